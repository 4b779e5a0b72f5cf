// JSON rendering in the shape of the Rust evtx_dump tool (`-o jsonl`), which responders' tools
// (Hayabusa, Chainsaw) and our own JSON reader understand:
//  - the root is {"Event":{...}}; attributes go under "#attributes"; an element with attributes
//    and text gets "#text"; a leaf is a scalar (numbers bare), an empty element is null;
//  - <Data Name="X">v</Data> becomes "X": v; unnamed Data siblings become "Data":{"#text":[...]};
//  - repeated sibling names get suffixes: Action, Action_1, Action_2.
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf.h"
#include "evtx/chunk_decoder.h"
#include "evtx/decoder_impl.h"
#include "evtx/render_common.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {
namespace {

using namespace detail;

/// Keys already written in each open JSON object (a stack of frames).
class KeyFrames {
 public:
  void push() { starts_.push_back(keys_.size()); }
  void pop() {
    keys_.resize(starts_.back());
    starts_.pop_back();
  }
  /// Writes `"key":` (JSON-escaped key body given) with a _N suffix when the key was used.
  void write(std::string& out, std::string_view key_json) {
    const std::size_t start = starts_.back();
    auto used = [&](std::string_view k) {
      for (std::size_t i = start; i < keys_.size(); ++i) {
        if (keys_[i] == k) return true;
      }
      return false;
    };
    out += '"';
    if (!used(key_json)) {
      keys_.push_back(key_json);
      out += key_json;
    } else {
      for (int n = 1;; ++n) {
        std::string cand = std::string(key_json) + "_" + std::to_string(n);
        if (!used(cand)) {
          owned_.push_back(std::move(cand));
          keys_.push_back(owned_.back());
          out += owned_.back();
          break;
        }
      }
    }
    out += "\":";
  }
  void reset() {
    keys_.clear();
    starts_.clear();
    owned_.clear();
  }
  /// Storage for keys built at render time (values of Name attributes).
  std::string_view own(std::string s) {
    owned_.push_back(std::move(s));
    return owned_.back();
  }

 private:
  std::vector<std::string_view> keys_;
  std::vector<std::size_t> starts_;
  std::deque<std::string> owned_;
};

class JsonRenderer {
 public:
  JsonRenderer(ChunkDecoder::Impl& im, std::string& out, KeyFrames& keys)
      : im_(im), out_(out), keys_(keys) {}

  Result<void> document(const Doc& d) {
    const Tree& t = *d.tree;
    out_ += "{\"";
    out_ += im_.strings.json[t.nodes[d.root].name];
    out_ += "\":";
    keys_.reset();
    auto r = element(d, d.root, -1, 0);
    out_ += '}';
    return r;
  }

 private:
  Result<void> element(const Doc& d, std::uint32_t e, int item, int depth) {
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
      auto r = children(d, e, item, depth, first);
      if (r && s.has_text) {
        std::string txt;
        append_pieces(im_, d, d.tree->nodes[e].first_child, item, ValueStyle::kJsonInString, txt);
        if (!txt.empty()) {
          out_ += ',';
          keys_.write(out_, "#text");
          out_ += '"';
          out_ += txt;
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
      const Value v = im_.value(d, t.nodes[s.single_subst].index);
      if ((v.type & kArrayFlag) == 0) {
        append_value(out_, im_.bytes(v), v.type, ValueStyle::kJsonTyped);
        return;
      }
      const std::uint8_t base = v.type & static_cast<std::uint8_t>(~kArrayFlag);
      if (item >= 0 && is_json_scalar_type(base)) {
        split_array(im_.bytes(v), v.type, im_.array_items);
        if (static_cast<std::size_t>(item) < im_.array_items.size()) {
          append_value(out_, im_.array_items[static_cast<std::size_t>(item)], base,
                       ValueStyle::kJsonTyped);
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
      out_ += im_.strings.json[t.nodes[a].name];
      out_ += "\":";
      const std::uint32_t p = t.nodes[a].first_child;
      if (p != kNoNode && t.nodes[p].next == kNoNode && t.nodes[p].kind == NodeKind::kSubstitution) {
        const Value v = im_.value(d, t.nodes[p].index);
        if ((v.type & kArrayFlag) == 0) {
          append_value(out_, im_.bytes(v), v.type, ValueStyle::kJsonTyped);
          continue;
        }
      }
      out_ += '"';
      append_pieces(im_, d, p, -1, ValueStyle::kJsonInString, out_);
      out_ += '"';
    }
    out_ += '}';
  }

  Result<void> children(const Doc& d, std::uint32_t e, int item, int depth, bool first) {
    const Tree& t = *d.tree;
    bool unnamed_data_done = false;
    for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
      const Node& n = t.nodes[c];
      if (n.kind == NodeKind::kSubstitution) {
        const Value v = im_.value(d, n.index);
        if (v.type != kBinXml) continue;
        auto nested = im_.parse_fragment(v.offset, v.offset + v.size, depth + 1);
        if (!nested) return tl::unexpected(nested.error());
        if (nested->root == kNoNode) continue;
        if (!first) out_ += ',';
        first = false;
        keys_.write(out_, im_.strings.json[nested->tree->nodes[nested->root].name]);
        if (auto r = element(*nested, nested->root, -1, depth + 1); !r) return r;
        continue;
      }
      if (n.kind != NodeKind::kElement) continue;
      const std::uint32_t name_attr = data_name_attribute(im_, t, c);
      const bool unnamed_data = name_attr == kNoNode && im_.strings.raw[n.name] == "Data";
      if (unnamed_data) {
        if (unnamed_data_done) continue;
        unnamed_data_done = true;
        if (!first) out_ += ',';
        first = false;
        unnamed_data_group(d, e, c);
        continue;
      }
      const std::size_t reps = repeat_count(im_, d, c);
      for (std::size_t i = 0; i < reps; ++i) {
        const int it = reps > 1 || has_array(d, c) ? static_cast<int>(i) : item;
        if (!first) out_ += ',';
        first = false;
        if (name_attr != kNoNode) {
          std::string key;
          append_pieces(im_, d, t.nodes[name_attr].first_child, -1, ValueStyle::kJsonInString, key);
          keys_.write(out_, keys_.own(std::move(key)));
          const ContentShape s = classify(im_, d, c, it, false);
          if (s.has_elements) {
            if (auto r = element(d, c, it, depth + 1); !r) return r;
          } else {
            text_value(d, c, it, s, /*null_as_empty=*/true);
          }
        } else {
          keys_.write(out_, im_.strings.json[n.name]);
          if (auto r = element(d, c, it, depth + 1); !r) return r;
        }
      }
    }
    return {};
  }

  bool has_array(const Doc& d, std::uint32_t e) {
    const Tree& t = *d.tree;
    for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
      if (t.nodes[c].kind == NodeKind::kSubstitution &&
          (im_.value(d, t.nodes[c].index).type & kArrayFlag)) {
        return true;
      }
    }
    return false;
  }

  /// "Data":{"#text": v} or {"#text":[v1,v2,...]} for the unnamed Data children of `parent`.
  void unnamed_data_group(const Doc& d, std::uint32_t parent, std::uint32_t first_data) {
    const Tree& t = *d.tree;
    std::size_t count = 0;
    for (std::uint32_t c = first_data; c != kNoNode; c = t.nodes[c].next) {
      if (is_unnamed_data(d, c)) count += repeat_count(im_, d, c);
    }
    (void)parent;
    keys_.write(out_, "Data");
    out_ += "{\"#text\":";
    if (count > 1) out_ += '[';
    bool first = true;
    for (std::uint32_t c = first_data; c != kNoNode; c = t.nodes[c].next) {
      if (!is_unnamed_data(d, c)) continue;
      const std::size_t reps = repeat_count(im_, d, c);
      for (std::size_t i = 0; i < reps; ++i) {
        if (!first) out_ += ',';
        first = false;
        const int it = has_array(d, c) ? static_cast<int>(i) : -1;
        text_value(d, c, it, classify(im_, d, c, it, false), /*null_as_empty=*/true);
      }
    }
    if (count > 1) out_ += ']';
    out_ += '}';
  }

  bool is_unnamed_data(const Doc& d, std::uint32_t c) {
    const Tree& t = *d.tree;
    const Node& n = t.nodes[c];
    return n.kind == NodeKind::kElement && im_.strings.raw[n.name] == "Data" && data_name_attribute(im_, t, c) == kNoNode;
  }

  ChunkDecoder::Impl& im_;
  std::string& out_;
  KeyFrames& keys_;
};

}  // namespace

Result<void> ChunkDecoder::render_json(const Doc& d, std::string& out) {
  const std::size_t mark = out.size();
  thread_local KeyFrames keys;  // reused: no allocation per record
  JsonRenderer r(*impl_, out, keys);
  auto res = r.document(d);
  if (!res) out.resize(mark);
  return res;
}

}  // namespace cmdsentry::evtx
