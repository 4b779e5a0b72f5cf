#include "core/time.h"

#include <cctype>
#include <climits>
#include <cstring>

namespace cmdsentry {
namespace {

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, public domain description).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

inline void put_digits(char* p, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

/// Writes `v` (< 100) as two digits.
inline void put_pair(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

void append_filetime_iso(std::string& out, std::uint64_t ft, int digits) {
  if (digits < 0) digits = 0;
  if (digits > 7) digits = 7;
  // FILETIMEs from 2^63 on are attacker bytes too: subtract in unsigned arithmetic (the signed
  // subtraction overflowed, UBSan in fuzz_evtx_chunk) and floor-divide without an offset that
  // could overflow near INT64_MIN. Results are unchanged wherever the old arithmetic was defined.
  const auto unix_ticks =
      static_cast<std::int64_t>(ft - static_cast<std::uint64_t>(kFiletimeUnixEpoch));
  std::int64_t secs = unix_ticks / 10000000;
  std::int64_t frac = unix_ticks % 10000000;
  if (frac < 0) --secs, frac += 10000000;
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) --days, sod += 86400;
  // Records of a log are written in order: the date rarely changes from one to the next, so
  // each thread keeps the text of the last one.
  thread_local std::int64_t last_days = INT64_MIN;
  thread_local char last_date[10];
  if (days != last_days) {
    const Civil c = civil_from_days(days);
    put_digits(last_date, static_cast<std::uint64_t>(c.y < 0 ? 0 : c.y), 4);
    last_date[4] = '-';
    put_digits(last_date + 5, c.m, 2);
    last_date[7] = '-';
    put_digits(last_date + 8, c.d, 2);
    last_days = days;
  }
  char buf[40];
  std::memcpy(buf, last_date, 10);
  buf[10] = 'T';
  const auto hms = static_cast<unsigned>(sod);
  put_pair(buf + 11, hms / 3600);
  buf[13] = ':';
  put_pair(buf + 14, (hms / 60) % 60);
  buf[16] = ':';
  put_pair(buf + 17, hms % 60);
  std::size_t n = 19;
  if (digits > 0) {
    buf[n++] = '.';
    std::uint64_t f = static_cast<std::uint64_t>(frac);
    for (int i = digits; i < 7; ++i) f /= 10;
    put_digits(buf + n, f, digits);
    n += static_cast<std::size_t>(digits);
  }
  buf[n++] = 'Z';
  out.append(buf, n);
}

std::optional<std::uint64_t> filetime_from_civil(int year, int month, int day, int hour, int minute,
                                                 int second, std::uint32_t ticks) {
  if (year < 1601 || year > 30827 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || ticks >= 10000000) {
    return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  return static_cast<std::uint64_t>(secs * 10000000 + ticks + kFiletimeUnixEpoch);
}

std::optional<std::uint64_t> parse_iso_time(std::string_view s) {
  std::size_t i = 0;
  auto num = [&](int n, int& v) {
    v = 0;
    for (int k = 0; k < n; ++k, ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  while (i < s.size() && s[i] == ' ') ++i;
  int y, mo, d, h = 0, mi = 0, se = 0;
  std::uint32_t ticks = 0;
  // Fast path: "YYYY-MM-DDTHH:MM:SS" at fixed places, as almost every log writes it.
  const auto fixed = [&](std::size_t at, std::size_t n, int& v) {
    v = 0;
    for (std::size_t k = at; k < at + n; ++k) {
      const unsigned digit = static_cast<unsigned char>(s[k]) - static_cast<unsigned>('0');
      if (digit > 9) return false;
      v = v * 10 + static_cast<int>(digit);
    }
    return true;
  };
  const bool fast = i == 0 && s.size() >= 19 && s[4] == '-' && s[7] == '-' &&
                    (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[16] == ':' &&
                    fixed(0, 4, y) && fixed(5, 2, mo) && fixed(8, 2, d) && fixed(11, 2, h) &&
                    fixed(14, 2, mi) && fixed(17, 2, se);
  if (fast) i = 19;
  if (!fast && (!num(4, y) || !lit('-') || !num(2, mo) || !lit('-') || !num(2, d)))
    return std::nullopt;
  if (fast || (i < s.size() && (s[i] == 'T' || s[i] == ' ' || s[i] == 't'))) {
    if (!fast) {
      ++i;
      if (!num(2, h) || !lit(':') || !num(2, mi)) return std::nullopt;
      if (lit(':') && !num(2, se)) return std::nullopt;
    }
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      int digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 7) {
          ticks = ticks * 10 + static_cast<std::uint32_t>(s[i] - '0');
          ++digits;
        }
        ++i;
      }
      for (; digits < 7; ++digits) ticks *= 10;
    }
  }
  std::int64_t offset_secs = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int oh, om = 0;
      if (!num(2, oh)) return std::nullopt;
      lit(':');
      if (i < s.size()) num(2, om);
      offset_secs = sign * (oh * 3600 + om * 60);
    }
  }
  auto ft = filetime_from_civil(y, mo, d, h, mi, se, ticks);
  if (!ft) return std::nullopt;
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(*ft) - offset_secs * 10000000);
}

}  // namespace cmdsentry
