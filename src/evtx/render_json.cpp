// JSON rendering in the shape of the Rust evtx_dump tool (`-o jsonl`), which responders' tools
// (Hayabusa, Chainsaw) and our own JSON reader understand:
//  - the root is {"Event":{...}}; attributes go under "#attributes"; an element with attributes
//    and text gets "#text"; a leaf is a scalar (numbers bare), an empty element is null;
//  - <Data Name="X">v</Data> becomes "X": v; unnamed Data siblings become "Data":{"#text":[...]};
//  - repeated sibling names get suffixes: Action, Action_1, Action_2.
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/utf.h"
#include "evtx/chunk_decoder.h"
#include "evtx/decoder_impl.h"
#include "evtx/render_common.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {
namespace {

using namespace detail;

/// Keys already written in each open JSON object (a stack of frames). A small object is searched
/// linearly; one that grows past kIndexedKeys keys gets a hash index, and a repeated key resumes
/// its suffixes where it stopped. An element written once per array item would otherwise cost
/// O(n^3): n keys, each trying up to n suffixes, each compared with up to n keys.
class KeyFrames {
 public:
  void push() {
    starts_.push_back(keys_.size());
    if (frames_.size() < starts_.size()) frames_.emplace_back();
  }
  void pop() {
    keys_.resize(starts_.back());
    starts_.pop_back();
    frames_[starts_.size()].clear();
  }
  /// Writes `"key":` (JSON-escaped key body given) with a _N suffix when the key was used.
  void write(std::string& out, std::string_view key_json) {
    std::string_view key = key_json;
    if (used(key_json)) {
      int& n = frames_[starts_.size() - 1].next_suffix[key_json];
      std::string cand;
      do {
        cand = std::string(key_json) + "_" + std::to_string(++n);
      } while (used(cand));
      owned_.push_back(std::move(cand));
      key = owned_.back();
    }
    add(key);
    out += '"';
    out += key;
    out += "\":";
  }
  void reset() {
    keys_.clear();
    starts_.clear();
    owned_.clear();
    for (Frame& f : frames_) f.clear();  // a failed rendering leaves frames open
  }
  /// Storage for keys built at render time (values of Name attributes).
  std::string_view own(std::string s) {
    owned_.push_back(std::move(s));
    return owned_.back();
  }

 private:
  static constexpr std::size_t kIndexedKeys = 16;

  struct Frame {
    std::unordered_set<std::string_view> index;             ///< the frame's keys, once it is large
    std::unordered_map<std::string_view, int> next_suffix;  ///< last _N written per key
    void clear() {
      if (!index.empty()) index.clear();
      if (!next_suffix.empty()) next_suffix.clear();
    }
  };

  [[nodiscard]] bool used(std::string_view k) const {
    const Frame& f = frames_[starts_.size() - 1];
    if (!f.index.empty()) return f.index.count(k) != 0;
    for (std::size_t i = starts_.back(); i < keys_.size(); ++i) {
      if (keys_[i] == k) return true;
    }
    return false;
  }
  void add(std::string_view k) {
    keys_.push_back(k);
    Frame& f = frames_[starts_.size() - 1];
    const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(starts_.back());
    if (!f.index.empty()) {
      f.index.insert(k);
    } else if (keys_.end() - first > static_cast<std::ptrdiff_t>(kIndexedKeys)) {
      f.index.insert(first, keys_.end());
    }
  }

  std::vector<std::string_view> keys_;
  std::vector<std::size_t> starts_;
  std::vector<Frame> frames_;  ///< per open object; kept (with their buckets) across records
  std::deque<std::string> owned_;
};

class JsonRenderer {
 public:
  JsonRenderer(ChunkDecoder::Impl& im, std::string& out, KeyFrames& keys)
      : im_(im), out_(out), keys_(keys) {}

  Result<void> document(const Doc& d) {
    const Tree& t = *d.tree;
    out_ += "{\"";
    out_ += im_.strings.json(t.nodes[d.root].name);
    out_ += "\":";
    keys_.reset();
    auto r = each_rendering(im_, d, d.root, 1, [&](std::size_t) { return element(d, d.root, -1); });
    out_ += '}';
    return r;
  }

 private:
  Result<void> element(const Doc& d, std::uint32_t e, int item) {
    const Tree& t = *d.tree;
    bool attrs = false;
    for (std::uint32_t a = t.nodes[e].first_attr; a != kNoNode && !attrs; a = t.nodes[a].next) {
      attrs = attribute_present(im_, d, a);
    }
    const ContentShape s = classify(im_, d, e, item, false);
    if (s.has_elements) {
      out_ += '{';
      keys_.push();
      bool first = true;
      if (attrs) {
        keys_.write(out_, "#attributes");
        attributes(d, e);
        first = false;
      }
      auto r = children(d, e, item, first);
      if (r && s.has_text) {
        std::string txt;
        append_pieces(im_, d, d.tree->nodes[e].first_child, item, ValueStyle::kJsonInString, txt);
        if (!txt.empty()) {
          out_ += ',';
          keys_.write(out_, "#text");
          out_ += '"';
          out_ += txt;
          im_.budget.landed(txt.size());
          out_ += '"';
        }
      }
      keys_.pop();
      out_ += '}';
      return r;
    }
    if (attrs) {
      out_ += "{\"#attributes\":";
      attributes(d, e);
      if (s.has_text) {
        out_ += ",\"#text\":";
        text_value(d, e, item, s, false);
      }
      out_ += '}';
      return {};
    }
    if (s.has_text) {
      text_value(d, e, item, s, false);
    } else {
      out_ += "null";
    }
    return {};
  }

  /// Text content of `e` as one JSON value: typed when it is a single value, else a string.
  void text_value(const Doc& d, std::uint32_t e, int item, const ContentShape& s,
                  bool null_as_empty) {
    const Tree& t = *d.tree;
    if (!s.has_text) {
      out_ += null_as_empty ? "\"\"" : "null";
      return;
    }
    if (s.single_subst != kNoNode) {
      const std::uint16_t index = t.nodes[s.single_subst].index;
      const Value v = im_.value(d, index);
      if ((v.type & kArrayFlag) == 0) {
        emit_value(im_, d, index, -1, ValueStyle::kJsonTyped, out_);
        return;
      }
      const std::uint8_t base = v.type & static_cast<std::uint8_t>(~kArrayFlag);
      if (item >= 0 && is_json_scalar_type(base)) {
        if (static_cast<std::size_t>(item) < im_.items(d, index).size()) {
          emit_value(im_, d, index, item, ValueStyle::kJsonTyped, out_);
          return;
        }
      }
    }
    out_ += '"';
    append_pieces(im_, d, t.nodes[e].first_child, item, ValueStyle::kJsonInString, out_);
    out_ += '"';
  }

  void attributes(const Doc& d, std::uint32_t e) {
    const Tree& t = *d.tree;
    out_ += '{';
    bool first = true;
    for (std::uint32_t a = t.nodes[e].first_attr; a != kNoNode; a = t.nodes[a].next) {
      if (!attribute_present(im_, d, a)) continue;
      if (!first) out_ += ',';
      first = false;
      out_ += '"';
      out_ += im_.strings.json(t.nodes[a].name);
      out_ += "\":";
      const std::uint32_t p = t.nodes[a].first_child;
      if (p != kNoNode && t.nodes[p].next == kNoNode &&
          t.nodes[p].kind == NodeKind::kSubstitution) {
        const Value v = im_.value(d, t.nodes[p].index);
        if ((v.type & kArrayFlag) == 0) {
          emit_value(im_, d, t.nodes[p].index, -1, ValueStyle::kJsonTyped, out_);
          continue;
        }
      }
      out_ += '"';
      append_pieces(im_, d, p, -1, ValueStyle::kJsonInString, out_);
      out_ += '"';
    }
    out_ += '}';
  }

  /// Members of the object written for element `parent` (array item `item`): its element children
  /// (once per item of an array value in their content), nested BinXml roots, and its unnamed
  /// Data children as one "Data" member where the first of them stands.
  struct Children : ChildVisitor {
    Children(JsonRenderer& r, std::uint32_t parent, int item, bool first)
        : ChildVisitor(r.im_), r_(r), parent_(parent), item_(item), first_(first) {}
    Result<bool> take(const Doc& d, std::uint32_t c) {
      if ((d.tree->nodes[c].flags & kFlagUnnamedData) == 0) return true;
      if (unnamed_data_done_) return false;
      unnamed_data_done_ = true;
      r_.separate(first_);
      if (auto r = r_.unnamed_data_group(d, c); !r) return tl::unexpected(r.error());
      return false;
    }
    Result<void> element(const Doc& d, std::uint32_t c, std::size_t rep, std::size_t reps) {
      const int it = reps > 1 || r_.has_array(d, c) ? static_cast<int>(rep) : item_;
      r_.separate(first_);
      const std::uint32_t name_attr = data_name_attribute(im_, *d.tree, c);
      r_.write_key(d, parent_, c, name_attr, rep);
      if (name_attr != kNoNode) {
        const ContentShape s = classify(im_, d, c, it, false);
        if (!s.has_elements) {
          r_.text_value(d, c, it, s, /*null_as_empty=*/true);
          return {};
        }
      }
      return r_.element(d, c, it);
    }
    Result<void> nested(const Doc& n, std::size_t, std::size_t) {
      r_.separate(first_);
      r_.keys_.write(r_.out_, im_.strings.json(n.tree->nodes[n.root].name));
      return r_.element(n, n.root, -1);
    }
    JsonRenderer& r_;
    std::uint32_t parent_;
    int item_;
    bool first_;
    bool unnamed_data_done_ = false;
  };

  Result<void> children(const Doc& d, std::uint32_t e, int item, bool first) {
    Children children(*this, e, item, first);
    return walk_children(im_, d, e, children);
  }

  /// A comma before every member but the first.
  void separate(bool& first) {
    if (!first) out_ += ',';
    first = false;
  }

  /// Writes the key of child `c` of `parent` (repetition `rep` of an expanded array).
  void write_key(const Doc& d, std::uint32_t parent, std::uint32_t c, std::uint32_t name_attr,
                 std::size_t rep) {
    const Tree& t = *d.tree;
    std::string_view key = im_.strings.json(t.nodes[c].name);
    bool literal = true;
    if (name_attr != kNoNode) {
      const std::uint32_t p = t.nodes[name_attr].first_child;
      if (p != kNoNode && t.nodes[p].kind == NodeKind::kText && t.nodes[p].next == kNoNode) {
        key = im_.strings.json(t.nodes[p].text);
      } else {
        literal = false;
      }
    }
    if (literal && (t.nodes[parent].flags & kFlagStaticKeys)) {
      // Keys of this element's children are literal and distinct: no bookkeeping needed.
      out_ += '"';
      out_ += key;
      if (rep > 0) {
        out_ += '_';
        out_ += std::to_string(rep);
      }
      out_ += "\":";
      return;
    }
    if (!literal) {
      std::string dynamic;
      append_pieces(im_, d, t.nodes[name_attr].first_child, -1, ValueStyle::kJsonInString, dynamic);
      key = keys_.own(std::move(dynamic));
      keys_.write(out_, key);
      im_.budget.landed(key.size());
      return;
    }
    keys_.write(out_, key);
  }

  bool has_array(const Doc& d, std::uint32_t e) {
    const Tree& t = *d.tree;
    if ((t.nodes[e].flags & kFlagSubstContent) == 0) return false;
    for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
      if (t.nodes[c].kind == NodeKind::kSubstitution &&
          (im_.value(d, t.nodes[c].index).type & kArrayFlag)) {
        return true;
      }
    }
    return false;
  }

  /// "Data":{"#text": v} or {"#text":[v1,v2,...]} for the unnamed Data children of an element,
  /// the first of them being `first_data`.
  Result<void> unnamed_data_group(const Doc& d, std::uint32_t first_data) {
    const Tree& t = *d.tree;
    std::size_t count = 0;
    for (std::uint32_t c = first_data; c != kNoNode; c = t.nodes[c].next) {
      if (is_unnamed_data(d, c)) count += repeat_count(im_, d, c);
    }
    keys_.write(out_, "Data");
    out_ += "{\"#text\":";
    if (count > 1) out_ += '[';
    bool first = true;
    for (std::uint32_t c = first_data; c != kNoNode; c = t.nodes[c].next) {
      if (!is_unnamed_data(d, c)) continue;
      auto r = each_rendering(im_, d, c, repeat_count(im_, d, c), [&](std::size_t i) {
        separate(first);
        const int it = has_array(d, c) ? static_cast<int>(i) : -1;
        text_value(d, c, it, classify(im_, d, c, it, false), /*null_as_empty=*/true);
        return Result<void>{};
      });
      if (!r) return r;
    }
    if (count > 1) out_ += ']';
    out_ += '}';
    return {};
  }

  bool is_unnamed_data(const Doc& d, std::uint32_t c) {
    const Tree& t = *d.tree;
    const Node& n = t.nodes[c];
    return n.kind == NodeKind::kElement && (n.flags & kFlagUnnamedData);
  }

  ChunkDecoder::Impl& im_;
  std::string& out_;
  KeyFrames& keys_;
};

/// The record as JSON, replayed from the render cache when a program matches its signature.
Result<void> render_record(ChunkDecoder::Impl& im, const Doc& d, std::string& out) {
  if (auto prep = im.prepare_docs(d); !prep) return prep;
  const Doc root = im.docs[0];
  return render_cached(im, Output::kJson, out, [&] {
    thread_local KeyFrames keys;  // reused: no allocation per record
    JsonRenderer r(im, out, keys);
    return r.document(root);
  });
}

}  // namespace

Result<void> ChunkDecoder::render_json(const Doc& d, std::string& out) {
  Impl& im = *impl_;
  const std::size_t mark = out.size();
  im.budget.start_record(&out);
  auto res = render_record(im, d, out);
  if (auto within = im.budget.finish_record(im.record_offset); !within) res = within;
  if (!res) out.resize(mark);
  return res;
}

}  // namespace cmdsentry::evtx
