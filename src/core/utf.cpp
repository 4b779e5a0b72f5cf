#include "core/utf.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cmdsentry {
namespace {

constexpr char kHex[] = "0123456789abcdef";

/// Whether an ASCII character needs an escape in `e` (else it is copied as it is).
inline bool needs_escape(unsigned c, Escape e) {
  switch (e) {
    case Escape::kNone:
      return false;
    case Escape::kJson:
      return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
    case Escape::kXmlText:
      return c < 0x20 || c == '&' || c == '<' || c == '>';
    case Escape::kXmlAttr:
      return c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
  }
  return false;
}

}  // namespace

void append_code_point(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    char b[3] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                 static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    char b[4] = {
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

namespace {

/// Per-sink table: 0 = copy the ASCII byte, 1 = escape it.
struct EscapeTables {
  std::uint8_t t[4][128];
  EscapeTables() {
    for (int e = 0; e < 4; ++e) {
      for (unsigned c = 0; c < 128; ++c) t[e][c] = needs_escape(c, static_cast<Escape>(e)) ? 1 : 0;
    }
  }
};
const EscapeTables kEscapeTables;

/// Writes the escape sequence of an ASCII character (or drops it) at `w`; returns the new end.
char* put_escape(char* w, unsigned c, Escape e) {
  if (e == Escape::kJson) {
    switch (c) {
      case '"':
        *w++ = '\\';
        *w++ = '"';
        return w;
      case '\\':
        *w++ = '\\';
        *w++ = '\\';
        return w;
      case '\n':
        *w++ = '\\';
        *w++ = 'n';
        return w;
      case '\r':
        *w++ = '\\';
        *w++ = 'r';
        return w;
      case '\t':
        *w++ = '\\';
        *w++ = 't';
        return w;
      default:
        *w++ = '\\';
        *w++ = 'u';
        *w++ = '0';
        *w++ = '0';
        *w++ = kHex[(c >> 4) & 0xF];
        *w++ = kHex[c & 0xF];
        return w;
    }
  }
  if (c == 0) return w;  // NUL cannot appear in XML
  auto put = [&w](const char* text) {
    while (*text) *w++ = *text++;
  };
  switch (c) {
    case '&':
      put("&amp;");
      return w;
    case '<':
      put("&lt;");
      return w;
    case '>':
      put("&gt;");
      return w;
    case '"':
      put("&quot;");
      return w;
    case '\'':
      put("&apos;");
      return w;
    default:
      if (e == Escape::kXmlText && (c == '\t' || c == '\n' || c == '\r')) {
        *w++ = static_cast<char>(c);
        return w;
      }
      // A character reference for the rest (c < 0x20 or DEL): at most "&#127;".
      *w++ = '&';
      *w++ = '#';
      if (c >= 100) *w++ = static_cast<char>('0' + c / 100);
      if (c >= 10) *w++ = static_cast<char>('0' + (c / 10) % 10);
      *w++ = static_cast<char>('0' + c % 10);
      *w++ = ';';
      return w;
  }
}

}  // namespace

namespace {

#if defined(__SSE2__)
/// Two bits per unit of `v` (eight UTF-16 units) that is not printable ASCII needing no escape
/// in `escape`: a high byte set, below 0x20 or from 0x7F, or one of the sink's escaped characters
/// (JSON '"' '\\'; XML '&' '<' '>', in attributes '"' '\'' too).
inline unsigned bad_units8(__m128i v, Escape escape) {
  const __m128i lo = _mm_set1_epi16(0x20), hi = _mm_set1_epi16(0x7E);
  __m128i bad = _mm_or_si128(_mm_cmplt_epi16(v, lo), _mm_cmpgt_epi16(v, hi));
  const auto is = [&v](char c) { return _mm_cmpeq_epi16(v, _mm_set1_epi16(c)); };
  if (escape == Escape::kJson) {
    bad = _mm_or_si128(bad, _mm_or_si128(is('"'), is('\\')));
  } else if (escape != Escape::kNone) {
    bad = _mm_or_si128(bad, _mm_or_si128(is('&'), _mm_or_si128(is('<'), is('>'))));
    if (escape == Escape::kXmlAttr) bad = _mm_or_si128(bad, _mm_or_si128(is('"'), is('\'')));
  }
  return static_cast<unsigned>(_mm_movemask_epi8(bad));  // two bits per unit
}

/// Packs eight UTF-16 units at `src` to eight bytes at `w` (all eight are stored: the caller
/// has room) and returns how many leading units are printable ASCII needing no escape in
/// `escape`, the ones to keep.
/// Returning the clean prefix, not all-or-nothing, matters for Windows paths: a block with a
/// backslash used to fail whole, then again at each of the next units while the backslash
/// stayed in the window.
inline unsigned ascii_prefix8(const std::uint8_t* src, char* w, Escape escape) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(w), _mm_packus_epi16(v, v));
  const unsigned mask = bad_units8(v, escape);
  return mask == 0 ? 8u : static_cast<unsigned>(__builtin_ctz(mask)) / 2;
}

/// The last `rem` (1-7) units of a string of at least eight, read as the eight units ending at
/// `last8` + 16 (never past the string): writes them packed at `w` (eight bytes stored) and
/// returns how many leading ones are clean, as ascii_prefix8 does. Tails of strings were the
/// bulk of the units left to the scalar code.
inline unsigned ascii_tail8(const std::uint8_t* last8, unsigned rem, char* w, Escape escape) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(last8));
  const unsigned skip = 8 - rem;
  std::uint64_t packed =
      static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(v, v))) >> (8 * skip);
  std::memcpy(w, &packed, 8);
  const unsigned mask = bad_units8(v, escape) >> (2 * skip);
  return mask == 0 ? rem : static_cast<unsigned>(__builtin_ctz(mask)) / 2;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CMDSENTRY_UTF16_AVX2 1
/// The AVX2 kernel of the UTF-16 conversion: copies printable ASCII needing no escape in
/// `escape`, 16 units per step, from `src` (at most `n` units, and `w` has room for n + 16
/// bytes) and returns how many units it consumed (each wrote one byte). Stops before the first
/// unit needing a look, or when fewer than 16 units are left.
///
/// Only this function is compiled for AVX2 (a target attribute, not -mavx2 on the file): it
/// calls nothing but intrinsics, so no inline function of the project is ever emitted with
/// AVX2 instructions for the linker to keep for the whole program (a CPU without AVX2 reaches
/// it only through the runtime check in has_avx2).
__attribute__((target("avx2"))) inline __m256i units_equal(__m256i v, char c) {
  return _mm256_cmpeq_epi16(v, _mm256_set1_epi16(c));
}

__attribute__((target("avx2"))) std::size_t ascii_run_avx2(const std::uint8_t* src, std::size_t n,
                                                           char* w, Escape escape) {
  std::size_t i = 0;
  const __m256i lo = _mm256_set1_epi16(0x20), hi = _mm256_set1_epi16(0x7E);
  for (; i + 16 <= n; i += 16) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 2 * i));
    __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi16(lo, v), _mm256_cmpgt_epi16(v, hi));
    if (escape == Escape::kJson) {
      bad = _mm256_or_si256(bad, _mm256_or_si256(units_equal(v, '"'), units_equal(v, '\\')));
    } else if (escape != Escape::kNone) {
      bad = _mm256_or_si256(bad, _mm256_or_si256(units_equal(v, '&'), units_equal(v, '<')));
      bad = _mm256_or_si256(bad, units_equal(v, '>'));
      if (escape == Escape::kXmlAttr) {
        bad = _mm256_or_si256(bad, _mm256_or_si256(units_equal(v, '"'), units_equal(v, '\'')));
      }
    }
    // packus works per 128-bit lane: bytes 0-7 and 16-23 hold the units; gather them.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), _mm256_castsi256_si128(packed));
    const unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(bad));
    if (mask != 0) return i + static_cast<unsigned>(__builtin_ctz(mask)) / 2;
  }
  return i;
}

/// Whether the CPU runs AVX2 (asked once).
bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

}  // namespace

void append_utf16le(std::string& out, const std::uint8_t* bytes, std::size_t units, Escape escape,
                    bool stop_at_nul) {
  append_utf16le_quoted(out, bytes, units, escape, stop_at_nul, false);
}

void append_utf16le_quoted(std::string& out, const std::uint8_t* bytes, std::size_t units,
                           Escape escape, bool stop_at_nul, bool quote) {
  // Sized for the common case (ASCII, one byte per unit, plus quotes); grows when escapes or
  // multi-byte characters need more. One pass through a raw pointer, then trim.
  const std::size_t start = out.size();
  out.resize(start + units + 2 + 32);
  char* base = out.data();
  char* w = base + start;
  char* end = base + out.size();
  if (quote) *w++ = '"';
  const std::uint8_t* tab = kEscapeTables.t[static_cast<int>(escape)];
#if defined(CMDSENTRY_UTF16_AVX2)
  const bool avx2 = units >= 16 && has_avx2();
#endif
  std::size_t i = 0;
  if (units < 8) {
    // Too short for a vector step (most values: levels, names, short words): copy clean ASCII
    // in a tight loop; the first unit needing a look goes on below. The room sized above holds
    // one byte per unit.
    for (; i < units; ++i) {
      const unsigned c =
          static_cast<unsigned>(bytes[2 * i]) | (static_cast<unsigned>(bytes[2 * i + 1]) << 8);
      if (c == 0 || c >= 0x80 || tab[c] != 0) break;
      *w++ = static_cast<char>(c);
    }
  }
  while (i < units) {
    if (static_cast<std::size_t>(end - w) < 32) {
      // Worst case for the rest: 6 bytes per unit, plus room for a vector store and the quote.
      const std::size_t used = static_cast<std::size_t>(w - base);
      out.resize(used + (units - i) * 6 + 32);
      base = out.data();
      w = base + used;
      end = base + out.size();
    }
    // Vector steps copy clean ASCII and stop at the first unit that needs a look; that unit
    // (or a tail shorter than a step) goes through the scalar code below.
#if defined(CMDSENTRY_UTF16_AVX2)
    if (avx2 && units - i >= 16) {
      // A run of n units stores up to n + 16 bytes.
      const std::size_t room = static_cast<std::size_t>(end - w) - 16;
      const std::size_t k = ascii_run_avx2(bytes + 2 * i, std::min(units - i, room), w, escape);
      w += k;
      i += k;
    }
#endif
#if defined(__SSE2__)
    if (units - i >= 8) {
      const unsigned k = ascii_prefix8(bytes + 2 * i, w, escape);
      w += k;
      i += k;
      if (k == 8) continue;
    } else if (units >= 8 && i < units) {
      const unsigned k =
          ascii_tail8(bytes + 2 * (units - 8), static_cast<unsigned>(units - i), w, escape);
      w += k;
      i += k;
    }
#endif
    if (i >= units) break;
    const unsigned c =
        static_cast<unsigned>(bytes[2 * i]) | (static_cast<unsigned>(bytes[2 * i + 1]) << 8);
    if (c < 0x80) {
      if (c == 0) {
        if (stop_at_nul) break;
        if (escape == Escape::kNone) {
          *w++ = '\0';
        } else {
          w = put_escape(w, 0, escape);
        }
      } else if (tab[c] == 0) {
        *w++ = static_cast<char>(c);
      } else {
        w = put_escape(w, c, escape);
      }
      ++i;
      continue;
    }
    char32_t cp = c;
    if (c >= 0xD800 && c <= 0xDBFF) {
      cp = 0xFFFD;
      if (i + 1 < units) {
        const unsigned d = static_cast<unsigned>(bytes[2 * i + 2]) |
                           (static_cast<unsigned>(bytes[2 * i + 3]) << 8);
        if (d >= 0xDC00 && d <= 0xDFFF) {
          cp = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
          ++i;
        }
      }
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      cp = 0xFFFD;
    }
    ++i;
    if ((cp == 0x2028 || cp == 0x2029) && escape == Escape::kJson) {
      // Line and paragraph separators end a JavaScript string: escaped as append_json_escaped.
      std::memcpy(w, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
      w += 6;
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  if (quote) *w++ = '"';
  out.resize(static_cast<std::size_t>(w - base));
}

void append_latin1(std::string& out, std::span<const std::uint8_t> bytes, Escape escape) {
  // Sized for ASCII; grows (2 bytes per non-ASCII byte, 6 per escape) only when needed.
  const std::size_t start = out.size();
  out.resize(start + bytes.size() + 16);
  char* base = out.data();
  char* w = base + start;
  char* end = base + out.size();
  const std::uint8_t* tab = kEscapeTables.t[static_cast<int>(escape)];
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    if (static_cast<std::size_t>(end - w) < 16) {
      const std::size_t used = static_cast<std::size_t>(w - base);
      out.resize(used + (n - i) * 6 + 16);
      base = out.data();
      w = base + used;
      end = base + out.size();
    }
#if defined(__SSE2__)
    if (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i));
      // Printable ASCII: 0x20 <= b < 0x7F (signed compare keeps bytes >= 0x80 out), and none of
      // the sink's escaped characters (JSON '"' '\\'; XML '&' '<' '>', in attributes '"' '\'').
      __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1F)),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8(0x7F)));
      const auto drop = [&](char c) {
        ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)), ok);
      };
      if (escape == Escape::kJson) {
        drop('"');
        drop('\\');
      } else if (escape != Escape::kNone) {
        drop('&');
        drop('<');
        drop('>');
        if (escape == Escape::kXmlAttr) {
          drop('"');
          drop('\'');
        }
      }
      // Keep the clean prefix (the room check above leaves 16 bytes): retrying the window at
      // each next byte cost 16 compares per byte of text dense in escapes.
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
      const unsigned bad = ~static_cast<unsigned>(_mm_movemask_epi8(ok)) & 0xFFFFu;
      const unsigned k = bad == 0 ? 16u : static_cast<unsigned>(__builtin_ctz(bad));
      w += k;
      i += k;
      if (k == 16) continue;
    }
#endif
    const std::uint8_t c = bytes[i++];
    if (c == 0) continue;
    if (c < 0x80) {
      if (tab[c] == 0) {
        *w++ = static_cast<char>(c);
      } else {
        w = put_escape(w, c, escape);
      }
    } else {
      *w++ = static_cast<char>(0xC0 | (c >> 6));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  out.resize(static_cast<std::size_t>(w - base));
}

std::string utf16le_to_utf8(std::span<const std::uint8_t> bytes) {
  std::string out;
  std::size_t units = bytes.size() / 2;
  while (units > 0 && bytes[2 * units - 2] == 0 && bytes[2 * units - 1] == 0) --units;
  append_utf16le(out, bytes.data(), units, Escape::kNone);
  return out;
}

void append_escaped(std::string& out, std::string_view s, Escape escape) {
  if (escape == Escape::kNone) {
    out.append(s);
    return;
  }
  if (escape == Escape::kJson) {
    append_json_escaped(out, s);
    return;
  }
  const std::uint8_t* tab = kEscapeTables.t[static_cast<int>(escape)];
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
#if defined(__SSE2__)
    // Skip 16 bytes at a time while none needs an escape: no control character (unsigned
    // compare: bytes of multi-byte characters pass), no '&' '<' '>' (nor '"' '\'' in attributes).
    while (i + 16 <= s.size()) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const auto is = [&v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
      __m128i bad = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
      bad = _mm_or_si128(bad, _mm_or_si128(is('&'), _mm_or_si128(is('<'), is('>'))));
      if (escape == Escape::kXmlAttr) bad = _mm_or_si128(bad, _mm_or_si128(is('"'), is('\'')));
      if (_mm_movemask_epi8(bad) != 0) break;
      i += 16;
    }
    if (i >= s.size()) break;
#endif
    const unsigned c = static_cast<unsigned char>(s[i]);
    if (c < 0x80 && tab[c]) {
      out.append(s.data() + run, i - run);
      char buf[8];
      out.append(buf, static_cast<std::size_t>(put_escape(buf, c, escape) - buf));
      run = i + 1;
    }
  }
  out.append(s.data() + run, s.size() - run);
}

namespace {

/// Length of the valid UTF-8 sequence at s[i] (a byte >= 0x80), or 0 when it is not one:
/// a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut short.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

namespace {

/// Per byte: kJsonPlain set when JSON needs a look at it, kXmlPlain when XML does.
struct PlainTable {
  std::uint8_t bad[256] = {};
  constexpr PlainTable() {
    for (unsigned c = 0; c < 256; ++c) {
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') bad[c] |= kJsonPlain;
      if (c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')
        bad[c] |= kXmlPlain;
    }
  }
};
constexpr PlainTable kPlainTable;

}  // namespace

unsigned plain_for(std::string_view s) {
  unsigned bad = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // The byte classes of the escapers' fast paths: for JSON a control character, a byte from 0x80
  // (signed compare), '"', '\\' or DEL; for XML a control character (unsigned compare) or one
  // of & < > " '.
  for (; i + 16 <= s.size() && bad != (kJsonPlain | kXmlPlain); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const auto is = [&v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
    const __m128i quote = is('"');
    const __m128i json = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                      _mm_or_si128(quote, _mm_or_si128(is('\\'), is(0x7f))));
    __m128i xml = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
    xml = _mm_or_si128(xml, _mm_or_si128(is('&'), _mm_or_si128(is('<'), is('>'))));
    xml = _mm_or_si128(xml, _mm_or_si128(quote, is('\'')));
    if (_mm_movemask_epi8(json) != 0) bad |= kJsonPlain;
    if (_mm_movemask_epi8(xml) != 0) bad |= kXmlPlain;
  }
#endif
  for (; i < s.size(); ++i) bad |= kPlainTable.bad[static_cast<unsigned char>(s[i])];
  return ~bad & (kJsonPlain | kXmlPlain);
}

void append_json_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the bytes not yet copied
  auto flush = [&](std::size_t i) { out.append(s.data() + run, i - run); };
  for (std::size_t i = 0; i < s.size();) {
#if defined(__SSE2__)
    // Skip plain ASCII (no control, quote, backslash, DEL or non-ASCII byte) 16 bytes at a
    // time, up to the first byte that needs a look.
    if (s.size() - i >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const __m128i ctl = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));  // also catches >= 0x80
      const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ctl, special)));
      if (mask == 0) {
        i += 16;
        continue;
      }
      i += static_cast<std::size_t>(__builtin_ctz(mask));  // the first byte to look at
    }
#endif
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c < 0x80) {
      flush(i);
      char buf[8];
      out.append(buf, static_cast<std::size_t>(put_escape(buf, c, Escape::kJson) - buf));
      run = ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      flush(i);
      out += "\xEF\xBF\xBD";  // U+FFFD, one per byte that is not part of a valid sequence
      run = ++i;
      continue;
    }
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      flush(i);
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      run = i + 3;
    }
    i += n;
  }
  flush(s.size());
}

void append_json_string(std::string& out, std::string_view utf8) {
  out += '"';
  append_json_escaped(out, utf8);
  out += '"';
}

std::u16string utf8_to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 6 && i + 1 < s.size()) {
      cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      len = 2;
    } else if ((c >> 4) == 14 && i + 2 < s.size()) {
      cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      len = 3;
    } else if ((c >> 3) == 30 && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3F) << 6) |
           (static_cast<unsigned char>(s[i + 3]) & 0x3F);
      len = 4;
    }
    i += len;
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp > 0x10FFFF ? 0xFFFD : cp);
    }
  }
  return out;
}

}  // namespace cmdsentry
