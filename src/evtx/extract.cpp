// RawEvent extraction: the System fields as numbers and strings, and the event's data fields as
// (name, text) pairs, without building any JSON or XML.
#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/limits.h"
#include "core/raw_event.h"
#include "core/time.h"
#include "evtx/chunk_decoder.h"
#include "evtx/decoder_impl.h"
#include "evtx/render_common.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {
namespace {

using namespace detail;

std::uint64_t parse_number(std::string_view s) {
  std::uint64_t v = 0;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  } else {
    std::from_chars(s.data(), s.data() + s.size(), v, 10);
  }
  return v;
}

class Extractor {
 public:
  Extractor(ChunkDecoder::Impl& im, RawEvent& ev) : im_(im), ev_(ev) {}

  /// The children of the Event element (itself not charged: nothing of it is extracted).
  Result<void> document(const Doc& d) {
    Sections sections(*this);
    return walk_children(im_, d, d.root, sections);
  }

 private:
  /// Children of the Event element: System, then EventData/UserData/... (possibly inside a
  /// nested BinXml value, as Security and Sysmon templates store them), each walked once.
  struct Sections : ChildVisitor {
    explicit Sections(Extractor& x) : ChildVisitor(x.im_), x_(x) {}
    std::size_t renderings(const Doc&, std::uint32_t) { return 1; }
    Result<void> element(const Doc& d, std::uint32_t c, std::size_t, std::size_t) {
      return x_.section(d, c);
    }
    Result<void> nested(const Doc& n, std::size_t, std::size_t) { return x_.section(n, n.root); }
    Extractor& x_;
  };

  /// Children of a section (or of an element holding elements): leaf elements become fields,
  /// once per item of an array value in their content and no more than kMaxEventFields in all;
  /// elements holding elements are walked into; elements whose dependency value is null are
  /// left out.
  struct Fields : ChildVisitor {
    explicit Fields(Extractor& x) : ChildVisitor(x.im_), x_(x) {}
    Result<bool> take(const Doc& d, std::uint32_t c) {
      return !element_suppressed(im_, d, d.tree->nodes[c]);
    }
    std::size_t renderings(const Doc& d, std::uint32_t c) {
      branch_ = classify(im_, d, c, -1).has_elements;
      if (branch_) return 1;
      reps_ = repeat_count(im_, d, c);
      const std::size_t room =
          limits::kMaxEventFields - std::min(x_.names_.size(), limits::kMaxEventFields);
      // A leaf is charged once even when no field is left to add (its key is still read).
      return std::max<std::size_t>(std::min(reps_, room), 1);
    }
    std::size_t nested_renderings(const Doc& n) { return renderings(n, n.root); }
    Result<void> element(const Doc& d, std::uint32_t c, std::size_t rep, std::size_t) {
      if (branch_) return x_.fields(d, c);
      if (rep == 0) key_ = x_.key(d, c);
      if (x_.names_.size() < limits::kMaxEventFields) {
        x_.add(key_, x_.text(d, c, reps_ > 1 ? static_cast<int>(rep) : -1));
      }
      return {};
    }
    Result<void> nested(const Doc& n, std::size_t rep, std::size_t reps) {
      return element(n, n.root, rep, reps);
    }
    Extractor& x_;
    bool branch_ = false;   ///< the element being walked holds elements
    std::size_t reps_ = 1;  ///< repeat_count of the leaf being walked
    std::string key_;       ///< field name of the leaf being walked
  };

  Result<void> section(const Doc& d, std::uint32_t e) {
    if (im_.strings.raw(d.tree->nodes[e].name) == "System") {
      system(d, e);
      return {};
    }
    // EventData, UserData (one provider element holding the fields), ProcessingErrorData...
    return fields(d, e);
  }

  std::string text(const Doc& d, std::uint32_t e, int item = -1) {
    std::string s;
    append_pieces(im_, d, d.tree->nodes[e].first_child, item, ValueStyle::kPlain, s);
    return s;
  }

  /// Integer content of an element or attribute piece list.
  std::uint64_t number(const Doc& d, std::uint32_t first) {
    const Tree& t = *d.tree;
    if (first != kNoNode && t.nodes[first].next == kNoNode &&
        t.nodes[first].kind == NodeKind::kSubstitution) {
      const Value v = im_.value(d, t.nodes[first].index);
      std::uint64_t x = 0;
      if (value_as_uint(im_.bytes(v), v.type, x)) return x;
    }
    std::string s;
    append_pieces(im_, d, first, -1, ValueStyle::kPlain, s);
    return parse_number(s);
  }

  std::uint32_t attr(const Doc& d, std::uint32_t e, std::string_view name) {
    const Tree& t = *d.tree;
    for (std::uint32_t a = t.nodes[e].first_attr; a != kNoNode; a = t.nodes[a].next) {
      if (im_.strings.raw(t.nodes[a].name) == name) return a;
    }
    return kNoNode;
  }

  std::string attr_text(const Doc& d, std::uint32_t e, std::string_view name) {
    const std::uint32_t a = attr(d, e, name);
    std::string s;
    if (a != kNoNode)
      append_pieces(im_, d, d.tree->nodes[a].first_child, -1, ValueStyle::kPlain, s);
    return s;
  }

  void system(const Doc& d, std::uint32_t sys) {
    const Tree& t = *d.tree;
    for (std::uint32_t c = t.nodes[sys].first_child; c != kNoNode; c = t.nodes[c].next) {
      const Node& n = t.nodes[c];
      if (n.kind != NodeKind::kElement || element_suppressed(im_, d, n)) continue;
      const std::string_view name = im_.strings.raw(n.name);
      if (name == "Provider") {
        std::string provider = attr_text(d, c, "Name");
        if (provider.empty()) provider = attr_text(d, c, "EventSourceName");
        ev_.set_provider(provider);
      } else if (name == "EventID") {
        ev_.event_id = static_cast<std::uint32_t>(number(d, n.first_child));
      } else if (name == "Version") {
        ev_.version = static_cast<std::uint16_t>(number(d, n.first_child));
      } else if (name == "Level") {
        ev_.level = static_cast<std::uint8_t>(number(d, n.first_child));
      } else if (name == "Task") {
        ev_.task = static_cast<std::uint16_t>(number(d, n.first_child));
      } else if (name == "Opcode") {
        ev_.opcode = static_cast<std::uint8_t>(number(d, n.first_child));
      } else if (name == "Keywords") {
        ev_.keywords = number(d, n.first_child);
      } else if (name == "EventRecordID") {
        ev_.record_id = number(d, n.first_child);
      } else if (name == "TimeCreated") {
        const std::uint32_t a = attr(d, c, "SystemTime");
        if (a == kNoNode) continue;
        const std::uint32_t p = t.nodes[a].first_child;
        if (p != kNoNode && t.nodes[p].kind == NodeKind::kSubstitution &&
            im_.value(d, t.nodes[p].index).type == kFileTime) {
          ev_.time_created = number(d, p);
        } else {
          ev_.time_created = parse_iso_time(attr_text(d, c, "SystemTime")).value_or(0);
        }
      } else if (name == "Execution") {
        const std::uint32_t pid = attr(d, c, "ProcessID");
        const std::uint32_t tid = attr(d, c, "ThreadID");
        if (pid != kNoNode)
          ev_.process_id = static_cast<std::uint32_t>(number(d, t.nodes[pid].first_child));
        if (tid != kNoNode)
          ev_.thread_id = static_cast<std::uint32_t>(number(d, t.nodes[tid].first_child));
      } else if (name == "Channel") {
        ev_.set_channel(text(d, c));
      } else if (name == "Computer") {
        ev_.set_computer(text(d, c));
      } else if (name == "Security") {
        ev_.set_user_sid(attr_text(d, c, "UserID"));
      }
    }
  }

  void add(std::string key, std::string value) {
    // At most kMaxEventFields fields: a hostile record repeating one element thousands of times
    // must not make extraction quadratic.
    if (names_.size() >= limits::kMaxEventFields) return;
    // Repeated names get _1, _2... like the JSON rendering; `next_suffix_` remembers where each
    // name's count stands so a name repeated n times costs O(n), not O(n^2) lookups.
    std::string k = key;
    if (names_.count(k) != 0) {
      int& n = next_suffix_[key];
      do {
        k = key + "_" + std::to_string(++n);
      } while (names_.count(k) != 0);
    }
    im_.budget.spend(k.size(), 0);  // the value was counted as it was rendered
    ev_.add_field(k, value);
    names_.insert(std::move(k));
  }

  /// Leaf elements below `e` become fields; Data elements are named by their Name attribute.
  Result<void> fields(const Doc& d, std::uint32_t e) {
    Fields fields(*this);
    return walk_children(im_, d, e, fields);
  }

  /// The field name of leaf `c`: its Name attribute (Data) or its element name.
  std::string key(const Doc& d, std::uint32_t c) {
    return data_name_attribute(im_, *d.tree, c) != kNoNode
               ? attr_text(d, c, "Name")
               : std::string(im_.strings.raw(d.tree->nodes[c].name));
  }

  ChunkDecoder::Impl& im_;
  RawEvent& ev_;
  std::unordered_map<std::string, int> next_suffix_;
  std::unordered_set<std::string> names_;  ///< field names added so far
};

}  // namespace

Result<void> ChunkDecoder::extract(const Doc& d, RawEvent& out) {
  impl_->budget.start_record(nullptr);
  Extractor x(*impl_, out);
  auto res = x.document(d);
  if (auto within = impl_->budget.finish_record(impl_->record_offset); !within) res = within;
  return res;
}

}  // namespace cmdsentry::evtx
