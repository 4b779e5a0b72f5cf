// Fuzzes `trend`'s reader of the study tables (CSV) and everything built from whatever tables it
// accepts: the overall profile, the comparison with an empty input and the three output forms.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kb/study_tables.h"
#include "trend/trend.h"
#include "trend/trend_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cmdsentry::trend;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto tables = cmdsentry::kb::parse_study_tables(in, "fuzz.csv");
  if (!tables) return 0;
  const Trend t = TrendSink(Weighting::kHost).build(*tables);
  std::string out;
  append_trend_table(out, t, "fuzz.csv");
  append_trend_json(out, t, "fuzz.csv");
  append_trend_csv(out, t);
  return 0;
}
