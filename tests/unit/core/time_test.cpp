#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

namespace cmdsentry {
namespace {

constexpr std::uint64_t kTicks = 129761722633545620ULL;  // 2012-03-14T04:17:43.3545620Z
constexpr std::uint64_t kSecond = 10'000'000;

TEST(FiletimeIso, any_64_bit_value_formats_without_overflow) {
  // FILETIME values are attacker bytes: the largest ones used to overflow the signed arithmetic
  // (UBSan). Known values keep their spelling; the extremes give some well-formed text.
  std::string out;
  append_filetime_iso(out, 116444736000000000ULL, 7);
  EXPECT_EQ(out, "1970-01-01T00:00:00.0000000Z");
  out.clear();
  append_filetime_iso(out, 116444736000000000ULL - 1, 7);
  EXPECT_EQ(out, "1969-12-31T23:59:59.9999999Z");
  const std::uint64_t extremes[] = {0, std::uint64_t{1} << 63,
                                    (std::uint64_t{1} << 63) + 116444736000000000ULL,
                                    ~std::uint64_t{0}};
  for (std::uint64_t ft : extremes) {
    out.clear();
    append_filetime_iso(out, ft, 6);
    EXPECT_EQ(out.size(), 27u) << ft << ": " << out;
    EXPECT_EQ(out.back(), 'Z');
  }
}

TEST(FiletimeIso, the_date_kept_from_the_last_call_follows_every_change) {
  // Each thread keeps the text of the last date: times on both sides of midnight, a date
  // again after another, and a different day at the same time of day.
  const std::uint64_t day = 86400 * kSecond;
  const std::uint64_t midnight = 116444736000000000ULL + 20000 * day;  // 2024-10-04
  const std::pair<std::uint64_t, const char*> cases[] = {
      {midnight - 1, "2024-10-03T23:59:59.9999999Z"},
      {midnight, "2024-10-04T00:00:00.0000000Z"},
      {midnight - kSecond, "2024-10-03T23:59:59.0000000Z"},
      {midnight + 365 * day + 3723 * kSecond, "2025-10-04T01:02:03.0000000Z"},
      {midnight + 3723 * kSecond, "2024-10-04T01:02:03.0000000Z"},
  };
  for (const auto& [ft, want] : cases) {
    std::string out;
    append_filetime_iso(out, ft, 7);
    EXPECT_EQ(out, want);
  }
}

TEST(IsoTime, the_usual_shapes) {
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17:43.3545620Z").value(), kTicks);
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17:43.354562Z").value(), kTicks);
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17:43.354Z").value(), kTicks - 5620);
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17:43Z").value(), kTicks - 3545620);
  EXPECT_EQ(parse_iso_time("2012-03-14 04:17:43.3545620").value(), kTicks);  // Sysmon UtcTime
  EXPECT_EQ(parse_iso_time("2012-03-14 06:17:43.3545620+02:00").value(), kTicks);
  EXPECT_EQ(parse_iso_time("2012-03-14T02:17:43.3545620-02:00").value(), kTicks + 0);
  // Fewer fixed places than the fast path needs: the general parser takes them.
  EXPECT_EQ(parse_iso_time("2012-03-14T04:17Z").value(), kTicks - 43 * kSecond - 3545620);
  EXPECT_EQ(parse_iso_time("  2012-03-14t04:17:43.3545620z").value(), kTicks);
  EXPECT_EQ(parse_iso_time("2012-03-14").value(),
            kTicks - (4 * 3600 + 17 * 60 + 43) * kSecond - 3545620);
}

TEST(IsoTime, garbage_is_rejected_not_guessed) {
  EXPECT_FALSE(parse_iso_time(""));
  EXPECT_FALSE(parse_iso_time("2012-03-14T04:1x:43Z"));
  EXPECT_FALSE(parse_iso_time("2012-3-14T04:17:43Z"));
  EXPECT_FALSE(parse_iso_time("20x2-03-14T04:17:43Z"));
  EXPECT_FALSE(parse_iso_time("2012-13-14T04:17:43Z"));
  EXPECT_FALSE(parse_iso_time("2012-03-14T25:17:43Z"));
  EXPECT_FALSE(parse_iso_time("yesterday"));
}

}  // namespace
}  // namespace cmdsentry
