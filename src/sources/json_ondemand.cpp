// Winlogbeat records through simdjson's On-Demand API.
//
// Why a second reader for one dialect: Winlogbeat is the bulk input (SIEM exports of millions
// of events), and a real Winlogbeat record is mostly members cmdsentry never looks at: the
// rendered `message` (~1.3 KB for a 4688), `agent`, `ecs`, `event.category`, `process.args`...
// The DOM reader parses all of them into a tape first; On-Demand validates the structure once
// and then parses only the values visited, so the unused members cost a skip. (On a compact
// record with nothing to skip both cost about the same.)
//
// The file is compiled once per simdjson kernel (namespace CMDSENTRY_ONDEMAND_KERNEL, with
// that kernel's instruction set); json_ondemand_dispatch.cpp picks the one this CPU runs.
//
// Exactness: this reader must give the very RawEvent read_winlogbeat gives. It reads the common
// shapes and declines the rest: duplicate members where the DOM reader would pick the first or
// last one, numbers that are not integers, objects where text is expected, trailing bytes. A
// declined record is read again by the DOM readers, which also produce the error for bad JSON.
// Values it skips are structurally checked but not fully validated (a bad literal inside an
// unused member is not an error here; the DOM reader would have rejected the whole record).
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/limits.h"
#include "core/time.h"
#include "sources/fields.h"
#include "sources/json_event.h"

#ifndef CMDSENTRY_ONDEMAND_KERNEL
#error "built once per simdjson kernel by src/sources/CMakeLists.txt"
#endif

namespace cmdsentry::sources::detail::CMDSENTRY_ONDEMAND_KERNEL {
namespace {

namespace od = simdjson::ondemand;

// One text value read from the record: a view into the parser's string buffer, or into `buf`
// for an integer. It lives as long as the record is being read.
struct Text {
  std::string_view view;
  bool seen = false;  ///< the first occurrence counts, as with the DOM reader's at_key
  bool null = false;
  char buf[24];
};

// Reading keys and strings straight from the input. A record given to read() is followed by
// SIMDJSON_PADDING readable bytes and stage 1 has paired its quotes, so whole 16-byte blocks can
// be read up to a string's closing quote without leaving the buffer.

// The key starting at `raw` (just after its opening quote) when it holds no escape. A key with a
// backslash gives false: the caller declines, and the DOM reader unescapes it.
bool plain_key(const char* raw, std::string_view& key) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (std::size_t i = 0;; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(raw + i));
    const auto q = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, quote)));
    const auto b = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, backslash)));
    if ((q | b) == 0) continue;
    if (b != 0 && (q == 0 || (b & (0U - b)) < (q & (0U - q)))) return false;
    key = std::string_view(raw, i + static_cast<std::size_t>(__builtin_ctz(q)));
    return true;
  }
#else
  for (std::size_t i = 0;; ++i) {
    if (raw[i] == '"') {
      key = std::string_view(raw, i);
      return true;
    }
    if (raw[i] == '\\') return false;
  }
#endif
}

bool has_backslash(std::string_view s) {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  for (std::size_t i = 0; i < s.size(); i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    auto b = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, backslash)));
    if (s.size() - i < 16) b &= (1U << (s.size() - i)) - 1;  // bytes past the string
    if (b != 0) return true;
  }
  return false;
#else
  return s.find('\\') != std::string_view::npos;
#endif
}

// A scalar as the DOM reader's text_view renders it: strings as they are, integers in decimal,
// booleans as true/false, null as "". False for anything else (floating point numbers and
// containers render differently in the DOM reader: decline). A string without escapes is viewed
// in the input (the value is then left for the iteration to skip); one with escapes is
// unescaped by simdjson.
bool scalar_text(od::value& v, Text& t) {
  const std::string_view token = v.raw_json_token();  // up to the next structural character
  if (!token.empty() && token.front() == '"') {
    std::size_t end = token.size();
    while (end > 1 && (token[end - 1] == ' ' || token[end - 1] == '\n' || token[end - 1] == '\r' ||
                       token[end - 1] == '\t')) {
      --end;
    }
    if (end >= 2 && token[end - 1] == '"') {
      const std::string_view body = token.substr(1, end - 2);
      if (!has_backslash(body)) {
        t.view = body;
        return true;
      }
    }
    return !v.get_string().get(t.view);
  }
  od::json_type type;
  if (v.type().get(type)) return false;
  switch (type) {
    case od::json_type::number: {
      od::number_type kind;
      if (v.get_number_type().get(kind)) return false;
      std::to_chars_result r{};
      if (kind == od::number_type::unsigned_integer) {
        std::uint64_t x = 0;
        if (v.get_uint64().get(x)) return false;
        r = std::to_chars(t.buf, t.buf + sizeof t.buf, x);
      } else if (kind == od::number_type::signed_integer) {
        std::int64_t x = 0;
        if (v.get_int64().get(x)) return false;
        r = std::to_chars(t.buf, t.buf + sizeof t.buf, x);
      } else {
        return false;
      }
      t.view = std::string_view(t.buf, static_cast<std::size_t>(r.ptr - t.buf));
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (v.get_bool().get(b)) return false;
      t.view = b ? "true" : "false";
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return false;
      t.view = {};
      t.null = true;
      return true;
    }
    default:
      return false;
  }
}

// The first occurrence of a member, as text.
bool take_first(od::value& v, Text& t) {
  if (t.seen) return true;
  t.seen = true;
  return scalar_text(v, t);
}

// Iterates the members of object `v`, calling f(key, value&) -> bool (false declines).
template <class F>
bool for_each_member(od::value& v, F&& f) {
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto member : o) {
    od::field field;
    if (std::move(member).get(field)) return false;
    std::string_view key;
    if (!plain_key(field.key().raw(), key)) return false;
    if (!f(key, field.value())) return false;
  }
  return true;
}

bool is_object(od::value& v) {
  od::json_type type;
  return !v.type().get(type) && type == od::json_type::object;
}

// An ECS process object (or its parent).
struct Process {
  Text pid, executable, command_line, entity_id, working_directory;
  Text sha1, md5, sha256, imphash;  ///< process.hash.*, process.pe.imphash (Winlogbeat 8)
  bool parent_seen = false, hash_seen = false, pe_seen = false;
};

template <std::size_t N>
bool read_members(od::value& v, const std::string_view (&names)[N], Text* (&&slots)[N]);

bool read_process(od::value& v, Process& p, Process* parent) {
  return for_each_member(v, [&](std::string_view key, od::value& value) {
    if (key_is(key, "pid")) return take_first(value, p.pid);
    if (key_is(key, "executable")) return take_first(value, p.executable);
    if (key_is(key, "command_line")) return take_first(value, p.command_line);
    if (key_is(key, "entity_id")) return take_first(value, p.entity_id);
    if (key_is(key, "working_directory")) return take_first(value, p.working_directory);
    if (key_is(key, "parent") && parent != nullptr && !p.parent_seen) {
      p.parent_seen = true;
      // The DOM reader reads a non-object parent as absent; only objects are read here.
      return !is_object(value) || read_process(value, *parent, nullptr);
    }
    if (key_is(key, "hash") && parent != nullptr && !p.hash_seen) {
      p.hash_seen = true;
      const std::string_view names[] = {"sha1", "md5", "sha256"};
      return read_members(value, names, {&p.sha1, &p.md5, &p.sha256});
    }
    if (key_is(key, "pe") && parent != nullptr && !p.pe_seen) {
      p.pe_seen = true;
      const std::string_view names[] = {"imphash"};
      return read_members(value, names, {&p.imphash});
    }
    return true;
  });
}

EcsProcessText text_of(const Process& p) {
  EcsProcessText t;
  t.pid_present = p.pid.seen && !p.pid.null;
  t.pid = p.pid.view;
  t.executable = p.executable.view;
  t.command_line = p.command_line.view;
  t.entity_id = p.entity_id.view;
  t.working_directory = p.working_directory.view;
  return t;
}

// The root members outside "winlog", first occurrence of each (as the DOM reader takes them).
struct Root {
  Text timestamp, event_code, event_provider, host_name, log_level;
  Text user_name, user_domain, sha1, md5, sha256, imphash;
  Process process, parent;
  bool event = false, host = false, log = false, user = false, hash = false, proc = false;
};

// {"name":..} style objects: picks the named members (first occurrence).
template <std::size_t N>
bool read_members(od::value& v, const std::string_view (&names)[N], Text* (&&slots)[N]) {
  if (!is_object(v)) return true;  // the DOM reader reads a non-object as absent
  return for_each_member(v, [&](std::string_view key, od::value& value) {
    for (std::size_t i = 0; i < N; ++i) {
      if (key_is(key, names[i])) return take_first(value, *slots[i]);
    }
    return true;
  });
}

// The members of winlog.event_data / winlog.user_data, in order, as fields.
bool read_data(od::value& v, RawEvent& out) {
  if (!is_object(v)) return true;  // ignored by the DOM reader too
  Text t;
  bool full = false;
  return for_each_member(v, [&](std::string_view key, od::value& value) {
    if (full || out.field_count() >= limits::kMaxEventFields) {
      full = true;  // the DOM reader stops reading this object here
      return true;
    }
    if (key_is(key, "xml_name")) return true;
    if (!scalar_text(value, t)) return false;
    out.add_field(key, t.view);
    return true;
  });
}

// winlog: every occurrence of a member is applied in order, as the DOM reader does; only a
// repeated channel (which the DOM reader concatenates) is declined.
bool read_winlog(od::value& v, RawEvent& out) {
  Text t;
  bool channel_seen = false;
  std::string_view channel;
  const bool ok = for_each_member(v, [&](std::string_view key, od::value& value) {
    if (key_is(key, "event_data") || key_is(key, "user_data")) return read_data(value, out);
    if (key_is(key, "channel")) {
      if (channel_seen || !scalar_text(value, t)) return false;
      channel_seen = true;
      channel = t.view;
      // A view into t.buf would be overwritten by the next member: keep it in the event now.
      out.set_channel(channel);
      return true;
    }
    if (key_is(key, "event_id")) {
      if (!scalar_text(value, t)) return false;
      out.event_id = static_cast<std::uint32_t>(parse_number(t.view).value_or(0));
    } else if (key_is(key, "record_id")) {
      if (!scalar_text(value, t)) return false;
      out.record_id = parse_number(t.view).value_or(0);
    } else if (key_is(key, "computer_name")) {
      if (!scalar_text(value, t)) return false;
      out.set_computer(t.view);
    } else if (key_is(key, "provider_name")) {
      if (!scalar_text(value, t)) return false;
      out.set_provider(t.view);
    } else if (key_is(key, "version")) {
      if (!scalar_text(value, t)) return false;
      out.version = static_cast<std::uint16_t>(parse_number(t.view).value_or(0));
    } else if (key_is(key, "process") && is_object(value)) {
      Text pid, thread_id;
      bool thread_seen = false;
      if (!for_each_member(value, [&](std::string_view k, od::value& x) {
            if (key_is(k, "pid")) return take_first(x, pid);
            if (key_is(k, "thread") && !thread_seen) {
              thread_seen = true;
              const std::string_view id[] = {"id"};
              return read_members(x, id, {&thread_id});
            }
            return true;
          })) {
        return false;
      }
      out.process_id = static_cast<std::uint32_t>(parse_number(pid.view).value_or(0));
      out.thread_id = static_cast<std::uint32_t>(parse_number(thread_id.view).value_or(0));
    } else if (key_is(key, "user") && is_object(value)) {
      Text sid;
      const std::string_view id[] = {"identifier"};
      if (!read_members(value, id, {&sid})) return false;
      out.set_user_sid(sid.view);
    }
    return true;
  });
  if (!ok) return false;
  if (channel_seen) canonicalize_channel(out);
  return true;
}

}  // namespace

void* make_reader() {
  auto* parser = new od::parser;
  if (parser->allocate(64 * 1024, limits::kMaxDocumentDepth) != simdjson::SUCCESS) {
    delete parser;
    return nullptr;
  }
  return parser;
}

void free_reader(void* reader) { delete static_cast<od::parser*>(reader); }

bool read(void* reader, std::string_view json, RawEvent& out, bool& not_winlogbeat) {
  od::parser& parser = *static_cast<od::parser*>(reader);
  not_winlogbeat = false;
  od::document doc;
  if (parser.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    return false;
  }
  od::object root;
  if (doc.get_object().get(root)) return false;
  Root r;
  bool winlog_seen = false, timestamp_seen = false;
  for (auto member : root) {
    od::field field;
    if (std::move(member).get(field)) return false;
    std::string_view key;
    if (!plain_key(field.key().raw(), key)) return false;
    od::value& value = field.value();
    if (key.empty()) continue;
    bool ok = true;
    switch (key[0]) {
      case 'E':
        if (key_is(key, "Event")) {  // the event-tree dialect takes precedence in the DOM reader
          not_winlogbeat = true;
          return false;
        }
        break;
      case 'w':
        if (key_is(key, "winlog")) {
          // The DOM reader takes the last "winlog" (and checks the first): decline repeats.
          if (winlog_seen) return false;
          winlog_seen = true;
          if (!is_object(value)) {
            not_winlogbeat = true;
            return false;
          }
          ok = read_winlog(value, out);
        }
        break;
      case '@':
        if (key_is(key, "@timestamp")) {
          if (timestamp_seen) return false;  // the DOM reader takes the last one
          timestamp_seen = true;
          r.timestamp.seen = true;
          ok = scalar_text(value, r.timestamp);
          if (ok) out.time_created = parse_iso_time(r.timestamp.view).value_or(0);
        }
        break;
      case 'e':
        if (key_is(key, "event") && !r.event) {
          r.event = true;
          const std::string_view names[] = {"code", "provider"};
          ok = read_members(value, names, {&r.event_code, &r.event_provider});
        }
        break;
      case 'h':
        if (key_is(key, "host") && !r.host) {
          r.host = true;
          const std::string_view names[] = {"name"};
          ok = read_members(value, names, {&r.host_name});
        } else if (key_is(key, "hash") && !r.hash) {
          r.hash = true;
          const std::string_view names[] = {"sha1", "md5", "sha256", "imphash"};
          ok = read_members(value, names, {&r.sha1, &r.md5, &r.sha256, &r.imphash});
        }
        break;
      case 'l':
        if (key_is(key, "log") && !r.log) {
          r.log = true;
          const std::string_view names[] = {"level"};
          ok = read_members(value, names, {&r.log_level});
        }
        break;
      case 'p':
        if (key_is(key, "process") && !r.proc) {
          r.proc = true;
          ok = !is_object(value) || read_process(value, r.process, &r.parent);
        }
        break;
      case 'u':
        if (key_is(key, "user") && !r.user) {
          r.user = true;
          const std::string_view names[] = {"name", "domain"};
          ok = read_members(value, names, {&r.user_name, &r.user_domain});
        }
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
  // Bytes after the object: decline, the DOM reader reports the error.
  if (const char* trailing = nullptr; !doc.current_location().get(trailing)) return false;
  if (!winlog_seen) {
    not_winlogbeat = true;
    return false;
  }
  WinlogbeatRoot tail;
  tail.event_code = r.event_code.view;
  tail.event_provider = r.event_provider.view;
  tail.host_name = r.host_name.view;
  tail.log_level = r.log_level.view;
  tail.ecs.process = text_of(r.process);
  tail.ecs.parent = text_of(r.parent);
  tail.ecs.timestamp = r.timestamp.view;
  tail.ecs.user_name = r.user_name.view;
  tail.ecs.user_domain = r.user_domain.view;
  tail.ecs.sha1 = r.sha1.view;
  tail.ecs.md5 = r.md5.view;
  tail.ecs.sha256 = r.sha256.view;
  tail.ecs.imphash = r.imphash.view;
  tail.ecs.process_sha1 = r.process.sha1.view;
  tail.ecs.process_md5 = r.process.md5.view;
  tail.ecs.process_sha256 = r.process.sha256.view;
  tail.ecs.process_imphash = r.process.imphash.view;
  finish_winlogbeat(tail, out);
  return true;
}

}  // namespace cmdsentry::sources::detail::CMDSENTRY_ONDEMAND_KERNEL
