#include "evtx/render_common.h"

#include <algorithm>
#include <string>

#include "core/utf.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx::detail {
namespace {

/// A UTF-16 string value with no characters before its NUL terminator(s).
bool string_is_empty(std::span<const std::uint8_t> b) {
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    if (b[i] != 0 || b[i + 1] != 0) return false;
  }
  return true;
}

}  // namespace

ContentShape classify(const ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e, int /*item*/,
                      bool honor_deps) {
  ContentShape s;
  const Tree& t = *d.tree;
  const std::uint8_t f = t.nodes[e].flags;
  if ((f & kFlagSubstContent) == 0 && !(honor_deps && (f & kFlagChildDeps))) {
    s.has_elements = (f & kFlagStaticElements) != 0;
    s.has_text = (f & kFlagStaticText) != 0;
    return s;
  }
  std::size_t pieces = 0;
  for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
    const Node& n = t.nodes[c];
    switch (n.kind) {
      case NodeKind::kElement:
        if (!honor_deps || !element_suppressed(im, d, n)) s.has_elements = true;
        break;
      case NodeKind::kSubstitution: {
        const Value v = im.value(d, n.index);
        if (v.type == kNull || v.size == 0) break;
        if (v.type == kString && string_is_empty(im.bytes(v))) break;
        if (v.type == kBinXml) {
          s.has_elements = true;
          break;
        }
        s.has_text = true;
        if (++pieces == 1) s.single_subst = c;
        break;
      }
      case NodeKind::kPI:
      case NodeKind::kAttribute:
        break;
      case NodeKind::kText:
      case NodeKind::kCData:
        if (im.strings.raw(n.text).empty()) break;
        s.has_text = true;
        ++pieces;
        break;
      default:
        s.has_text = true;
        ++pieces;
        s.single_subst = kNoNode;
        break;
    }
  }
  if (pieces != 1) s.single_subst = kNoNode;
  return s;
}

bool attribute_present(const ChunkDecoder::Impl& im, const Doc& d, std::uint32_t a) {
  const Tree& t = *d.tree;
  for (std::uint32_t p = t.nodes[a].first_child; p != kNoNode; p = t.nodes[p].next) {
    const Node& n = t.nodes[p];
    if (n.kind == NodeKind::kText) {
      if (!im.strings.raw(n.text).empty()) return true;
      continue;
    }
    if (n.kind != NodeKind::kSubstitution) return true;
    const Value v = im.value(d, n.index);
    if (v.type == kNull || v.size == 0) continue;
    if (v.type == kString && string_is_empty(im.bytes(v))) continue;
    return true;
  }
  return false;
}

std::size_t repeat_count(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e) {
  const Tree& t = *d.tree;
  if ((t.nodes[e].flags & kFlagSubstContent) == 0) return 1;
  for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
    const Node& n = t.nodes[c];
    if (n.kind != NodeKind::kSubstitution) continue;
    if ((im.value(d, n.index).type & kArrayFlag) == 0) continue;
    return std::max<std::size_t>(im.items(d, n.index).size(), 1);
  }
  return 1;
}

Result<void> over_budget() { return fail(ErrorCode::kLimit, "render budget exceeded"); }

std::uint32_t data_name_attribute(const ChunkDecoder::Impl&, const Tree& t, std::uint32_t e) {
  return t.nodes[e].name_attr;
}

void render_value(ChunkDecoder::Impl& im, const Doc& d, std::uint16_t index, int item,
                  ValueStyle style, std::string& out) {
  if (im.budget.exceeded()) return;  // the record is being abandoned: no more work
  const std::size_t mark = out.size();
  std::size_t nodes = 1;  // joined array items count as one node each
  const Value v = im.value(d, index);
  if (v.type == kNull || v.type == kBinXml) return;
  if ((v.type & kArrayFlag) == 0) {
    append_value(out, im.bytes(v), v.type, style);
  } else {
    const auto items = im.items(d, index);
    const std::uint8_t base = v.type & static_cast<std::uint8_t>(~kArrayFlag);
    if (item >= 0) {
      if (static_cast<std::size_t>(item) < items.size()) {
        append_value(out, items[static_cast<std::size_t>(item)], base, style);
      }
    } else {
      // Not expandable here (attribute, mixed text): join items with ",".
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        append_value(out, items[i], base, style);
      }
      nodes += items.size();
    }
  }
  im.budget.spend(im.budget.counts_output(out) ? 0 : out.size() - mark, nodes);
}

void emit_value(ChunkDecoder::Impl& im, const Doc& d, std::uint16_t index, int item,
                ValueStyle style, std::string& out) {
  if (im.recorder != nullptr) im.recorder->cut(out);
  render_value(im, d, index, item, style, out);
  if (im.recorder != nullptr) im.recorder->value(out, d.ordinal, index, item, style);
}

Result<void> replay(ChunkDecoder::Impl& im, const Program& p, std::string& out) {
  // Replaying copies the literals whole: check they fit before copying.
  if (!im.budget.admits(p.literals.size(), p.ops.size())) return over_budget();
  const char* literals = p.literals.data();
  std::uint32_t pos = 0;
  std::size_t plain = 0;  // values written here, counted once at the end
  for (const Program::Op& op : p.ops) {
    out.append(literals + pos, op.literal_end - pos);
    pos = op.literal_end;
    const Doc& d = im.docs[op.doc];
    const Value v = im.value(d, op.index);
    if ((v.type & kArrayFlag) == 0) {
      // A single value: its text is bounded by its bytes, and the output growth is counted by
      // the spend below, so it skips render_value's per-value bookkeeping.
      if (v.type == kString) {
        append_string_value(out, im.bytes(v), op.style);
      } else if (append_unsigned_value(out, im.bytes(v), v.type)) {
        // System's numbers (EventID, Level, Task, EventRecordID, ProcessID...): no dispatch.
      } else if (v.type != kNull && v.type != kBinXml) {
        append_value(out, im.bytes(v), v.type, op.style);
      }
      ++plain;
      continue;
    }
    render_value(im, d, op.index, op.item, op.style, out);
    if (im.budget.exceeded()) return over_budget();
  }
  out.append(literals + pos, p.literals.size() - pos);
  if (!im.budget.spend(0, plain)) return over_budget();
  return {};
}

void append_subst_text(ChunkDecoder::Impl& im, const Doc& d, const Node& n, int item,
                       ValueStyle style, std::string& out) {
  emit_value(im, d, n.index, item, style, out);
}

void append_piece(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t p, int item, ValueStyle style,
                  std::string& out) {
  const Node& n = d.tree->nodes[p];
  // Values count against the render budget in render_value; literal text written to a
  // temporary counts here (in the output it counts as the output grows, its node in the
  // element's width).
  const bool literal = n.kind != NodeKind::kSubstitution;
  if (literal && im.budget.exceeded()) return;
  const std::size_t mark = out.size();
  const bool json = style == ValueStyle::kJsonInString || style == ValueStyle::kJsonTyped;
  // Decoded text (plain, or escaped for a JSON string or an XML attribute value).
  const Escape text_esc = json                            ? Escape::kJson
                          : style == ValueStyle::kXmlAttr ? Escape::kXmlAttr
                                                          : Escape::kNone;
  switch (n.kind) {
    case NodeKind::kText:
    case NodeKind::kCData:
      if (json) {
        out += im.strings.json(n.text);
      } else if (im.strings.xml_plain(n.text)) {
        out += im.strings.raw(n.text);  // the same in every XML style
      } else if (style == ValueStyle::kXml) {
        append_escaped(out, im.strings.raw(n.text), Escape::kXmlText);
      } else {
        append_escaped(out, im.strings.raw(n.text), text_esc);
      }
      break;
    case NodeKind::kSubstitution:
      append_subst_text(im, d, n, item, style, out);
      break;
    case NodeKind::kCharRef:
      if (style == ValueStyle::kXml) {
        out += "&#";
        out += std::to_string(n.index);
        out += ';';
      } else {
        std::string cp;
        append_code_point(cp, n.index);
        append_escaped(out, cp, text_esc);
      }
      break;
    case NodeKind::kEntityRef: {
      const std::string_view name = im.strings.raw(n.name);
      if (style == ValueStyle::kXml) {
        out += '&';
        out += im.strings.xml(n.name);
        out += ';';
      } else {
        std::string_view rep = name == "amp"    ? "&"
                               : name == "lt"   ? "<"
                               : name == "gt"   ? ">"
                               : name == "quot" ? "\""
                               : name == "apos" ? "'"
                                                : std::string_view{};
        std::string tmp(rep);
        if (rep.empty()) {  // appends, not "&" + string: GCC 12 warns (-Wrestrict) on the latter
          tmp += '&';
          tmp += name;
          tmp += ';';
        }
        append_escaped(out, tmp, text_esc);
      }
      break;
    }
    default:
      break;
  }
  if (literal && !im.budget.counts_output(out)) im.budget.spend(out.size() - mark, 0);
}

void append_pieces(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t first, int item,
                   ValueStyle style, std::string& out) {
  for (std::uint32_t p = first; p != kNoNode; p = d.tree->nodes[p].next) {
    const NodeKind k = d.tree->nodes[p].kind;
    if (k == NodeKind::kElement || k == NodeKind::kPI || k == NodeKind::kAttribute) continue;
    append_piece(im, d, p, item, style, out);
  }
}

}  // namespace cmdsentry::evtx::detail
