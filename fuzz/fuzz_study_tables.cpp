// Fuzzes the organisation simulator's reader of the JPCERT/CC 2015 tables (CSV) and the intrusion
// planner that draws commands from whatever tables it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "orgsim/org.h"
#include "orgsim/study_tables.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cmdsentry::orgsim;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto tables = parse_study_tables(in, "fuzz.csv");
  if (!tables) return 0;
  Org org = build_org(1, 4, 3, 133'000'000'000'000'000ULL, 1);
  plan_intrusions(org, *tables, 1, 2);
  return 0;
}
