#include "evtx/chunk_decoder.h"

#include <fmt/format.h>

#include "core/limits.h"
#include "core/utf.h"
#include "evtx/decoder_impl.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {

using detail::Node;
using detail::NodeKind;
using detail::Tree;

namespace detail {

std::uint32_t StringTable::add(std::string utf8) {
  std::string j;
  append_escaped(j, utf8, Escape::kJson);
  std::string x;
  append_escaped(x, utf8, Escape::kXmlAttr);
  raw.push_back(std::move(utf8));
  json.push_back(std::move(j));
  xml.push_back(std::move(x));
  return static_cast<std::uint32_t>(raw.size() - 1);
}

}  // namespace detail

namespace {

Result<void> fail_at(const ByteReader& r, std::string msg) {
  return fail(ErrorCode::kCorrupt, std::move(msg), r.pos());
}

/// Finds System/EventID and System/Channel in a template so filters can read them directly.
void compute_filter_slots(Tree& t, const detail::StringTable& s) {
  auto child_named = [&](std::uint32_t parent, std::string_view name) {
    for (std::uint32_t c = t.nodes[parent].first_child; c != detail::kNoNode; c = t.nodes[c].next) {
      if (t.nodes[c].kind == NodeKind::kElement && s.raw[t.nodes[c].name] == name) return c;
    }
    return detail::kNoNode;
  };
  if (t.root == detail::kNoNode) return;
  const std::uint32_t sys = child_named(t.root, "System");
  if (sys == detail::kNoNode) return;
  const std::uint32_t eid = child_named(sys, "EventID");
  if (eid != detail::kNoNode && t.nodes[eid].first_child != detail::kNoNode) {
    const Node& c = t.nodes[t.nodes[eid].first_child];
    if (c.kind == NodeKind::kSubstitution) {
      t.slots.event_id_subst = c.index;
    } else if (c.kind == NodeKind::kText) {
      const std::string& txt = s.raw[c.text];
      std::int64_t v = 0;
      bool ok = !txt.empty() && txt.size() < 10;
      for (char ch : txt) ok = ok && ch >= '0' && ch <= '9', v = v * 10 + (ch - '0');
      if (ok) t.slots.event_id_literal = v;
    }
  }
  const std::uint32_t ch = child_named(sys, "Channel");
  if (ch != detail::kNoNode && t.nodes[ch].first_child != detail::kNoNode) {
    const Node& c = t.nodes[t.nodes[ch].first_child];
    if (c.kind == NodeKind::kSubstitution) {
      t.slots.channel_subst = c.index;
    } else if (c.kind == NodeKind::kText) {
      t.slots.channel_literal = static_cast<std::int32_t>(c.text);
    }
  }
}

bool ascii_iequal_utf16(std::span<const std::uint8_t> u16, std::string_view s) {
  std::size_t units = u16.size() / 2;
  while (units > 0 && u16[2 * units - 2] == 0 && u16[2 * units - 1] == 0) --units;
  if (units != s.size()) return false;
  for (std::size_t i = 0; i < units; ++i) {
    if (u16[2 * i + 1] != 0) return false;
    const unsigned a = u16[2 * i], b = static_cast<unsigned char>(s[i]);
    if (a != b && ((a | 0x20) != (b | 0x20) || !((a | 0x20) >= 'a' && (a | 0x20) <= 'z'))) {
      return false;
    }
  }
  return true;
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool element_suppressed(const ChunkDecoder::Impl& impl, const Doc& d, const Node& n) {
  if (n.dependency == detail::kNoDependency) return false;
  return n.dependency < d.value_count && impl.value(d, n.dependency).type == detail::kNull;
}

// ---- Impl: chunk state -------------------------------------------------------------------

void ChunkDecoder::Impl::reset_chunk(std::span<const std::uint8_t> c) {
  chunk = c;
  strings.clear();
  names.clear();
  templates.clear();
  templates_used = 0;
  scratch_used = 0;
  values.clear();
}

void ChunkDecoder::Impl::reset_record() {
  scratch_used = 0;
  values.clear();
}

Tree* ChunkDecoder::Impl::take(std::vector<std::unique_ptr<Tree>>& pool, std::size_t& used) {
  if (used == pool.size()) pool.push_back(std::make_unique<Tree>());
  Tree* t = pool[used++].get();
  t->clear();
  return t;
}

Result<std::uint32_t> ChunkDecoder::Impl::read_name(ByteReader& r) {
  const std::uint32_t off = r.u32();
  if (r.failed()) return fail(ErrorCode::kTruncated, "name offset runs past the data", r.pos());
  if (off == r.pos()) {
    // Inline definition: skip it (the cache below reads it from the chunk).
    const std::uint16_t n = ByteReader::at<std::uint16_t>(chunk, off + 6);
    if (!r.skip(10 + 2 * static_cast<std::size_t>(n))) {
      return fail(ErrorCode::kTruncated, "inline name runs past the data", off);
    }
  }
  if (auto it = names.find(off); it != names.end()) return it->second;
  if (static_cast<std::size_t>(off) + 8 > chunk.size()) {
    return fail(ErrorCode::kCorrupt, fmt::format("name offset 0x{:x} outside the chunk", off), r.pos());
  }
  const std::size_t n = ByteReader::at<std::uint16_t>(chunk, off + 6);
  if (off + 8 + 2 * n > chunk.size()) {
    return fail(ErrorCode::kCorrupt, "name runs past the chunk", off);
  }
  std::string utf8;
  append_utf16le(utf8, chunk.data() + off + 8, n, Escape::kNone);
  const std::uint32_t id = strings.add(std::move(utf8));
  names.emplace(off, id);
  return id;
}

Result<std::uint32_t> ChunkDecoder::Impl::read_text(ByteReader& r) {
  const std::uint16_t n = r.u16();
  auto b = r.bytes(2 * static_cast<std::size_t>(n));
  if (r.failed()) return fail(ErrorCode::kTruncated, "text runs past the data", r.pos());
  std::string utf8;
  append_utf16le(utf8, b.data(), n, Escape::kNone);
  return strings.add(std::move(utf8));
}

// ---- Impl: tree parsing ------------------------------------------------------------------

Result<std::uint32_t> ChunkDecoder::Impl::parse_content_node(ByteReader& r, Tree& t, bool has_dep,
                                                             int depth) {
  if (t.nodes.size() >= limits::kMaxTemplateNodes) {
    return fail(ErrorCode::kLimit, "too many BinXml nodes in one fragment", r.pos());
  }
  const std::uint8_t tok = r.peek_u8();
  Node n;
  switch (tok & ~detail::kTokMore) {
    case detail::kTokOpenStart:
      return parse_element(r, t, has_dep, depth + 1);
    case detail::kTokValue: {
      r.u8();
      const std::uint8_t type = r.u8();
      if (type != detail::kString && type != detail::kAnsiString) {
        return fail(ErrorCode::kCorrupt, fmt::format("value token of type 0x{:02x}", type), r.pos());
      }
      auto id = read_text(r);
      if (!id) return tl::unexpected(id.error());
      n.kind = NodeKind::kText;
      n.text = *id;
      break;
    }
    case detail::kTokNormalSubst:
    case detail::kTokOptionalSubst:
      r.u8();
      n.kind = NodeKind::kSubstitution;
      n.optional = tok == detail::kTokOptionalSubst;
      n.index = r.u16();
      n.value_type = r.u8();
      break;
    case detail::kTokCData: {
      r.u8();
      auto id = read_text(r);
      if (!id) return tl::unexpected(id.error());
      n.kind = NodeKind::kCData;
      n.text = *id;
      break;
    }
    case detail::kTokCharRef:
      r.u8();
      n.kind = NodeKind::kCharRef;
      n.index = r.u16();
      break;
    case detail::kTokEntityRef: {
      r.u8();
      auto id = read_name(r);
      if (!id) return tl::unexpected(id.error());
      n.kind = NodeKind::kEntityRef;
      n.name = *id;
      break;
    }
    case detail::kTokPITarget: {
      r.u8();
      auto id = read_name(r);
      if (!id) return tl::unexpected(id.error());
      n.kind = NodeKind::kPI;
      n.name = *id;
      if (r.peek_u8() == detail::kTokPIData) {
        r.u8();
        auto data = read_text(r);
        if (!data) return tl::unexpected(data.error());
        n.text = *data;
      } else {
        n.text = strings.add({});
      }
      break;
    }
    default:
      return fail(ErrorCode::kCorrupt, fmt::format("unexpected BinXml token 0x{:02x}", tok), r.pos());
  }
  if (r.failed()) return fail(ErrorCode::kTruncated, "BinXml token runs past the data", r.pos());
  t.nodes.push_back(n);
  return static_cast<std::uint32_t>(t.nodes.size() - 1);
}

Result<std::uint32_t> ChunkDecoder::Impl::parse_element(ByteReader& r, Tree& t, bool has_dep,
                                                        int depth) {
  if (depth > limits::kMaxElementDepth) {
    return fail(ErrorCode::kLimit, "BinXml elements nested too deeply", r.pos());
  }
  const std::uint8_t tok = r.u8();
  Node el;
  el.kind = NodeKind::kElement;
  if (has_dep) el.dependency = r.u16();
  r.u32();  // data size: not trusted, the token stream is walked instead
  auto name = read_name(r);
  if (!name) return tl::unexpected(name.error());
  el.name = *name;
  if (tok & detail::kTokMore) r.u32();  // attribute list size
  if (r.failed()) return fail(ErrorCode::kTruncated, "element header runs past the data", r.pos());
  const std::uint32_t self = static_cast<std::uint32_t>(t.nodes.size());
  t.nodes.push_back(el);

  std::uint32_t last_attr = detail::kNoNode;
  while ((r.peek_u8() & ~detail::kTokMore) == detail::kTokAttribute && !r.failed() && r.remaining()) {
    r.u8();
    auto an = read_name(r);
    if (!an) return tl::unexpected(an.error());
    Node attr;
    attr.kind = NodeKind::kAttribute;
    attr.name = *an;
    const std::uint32_t aidx = static_cast<std::uint32_t>(t.nodes.size());
    t.nodes.push_back(attr);
    if (last_attr == detail::kNoNode) {
      t.nodes[self].first_attr = aidx;
    } else {
      t.nodes[last_attr].next = aidx;
    }
    last_attr = aidx;
    // Value parts: text, substitutions, character and entity references.
    std::uint32_t last_part = detail::kNoNode;
    while (r.remaining()) {
      const std::uint8_t k = r.peek_u8() & ~detail::kTokMore;
      if (k != detail::kTokValue && k != detail::kTokNormalSubst && k != detail::kTokOptionalSubst &&
          k != detail::kTokCharRef && k != detail::kTokEntityRef) {
        break;
      }
      auto part = parse_content_node(r, t, has_dep, depth);
      if (!part) return tl::unexpected(part.error());
      if (last_part == detail::kNoNode) {
        t.nodes[aidx].first_child = *part;
      } else {
        t.nodes[last_part].next = *part;
      }
      last_part = *part;
    }
  }

  const std::uint8_t close = r.u8();
  if (close == detail::kTokCloseEmpty) return self;
  if (close != detail::kTokCloseStart) {
    return fail(ErrorCode::kCorrupt,
                fmt::format("expected end of start tag, found token 0x{:02x}", close), r.pos() - 1);
  }
  std::uint32_t last_child = detail::kNoNode;
  while (true) {
    if (r.failed() || r.remaining() == 0) {
      return fail(ErrorCode::kTruncated, "element not closed before the end of the data", r.pos());
    }
    if (r.peek_u8() == detail::kTokEnd) {
      r.u8();
      return self;
    }
    auto child = parse_content_node(r, t, has_dep, depth);
    if (!child) return tl::unexpected(child.error());
    if (last_child == detail::kNoNode) {
      t.nodes[self].first_child = *child;
    } else {
      t.nodes[last_child].next = *child;
    }
    last_child = *child;
  }
}

Result<Tree*> ChunkDecoder::Impl::load_template(std::uint32_t def_offset) {
  if (auto it = templates.find(def_offset); it != templates.end()) return it->second;
  if (templates.size() >= limits::kMaxTemplatesPerChunk) {
    return fail(ErrorCode::kLimit, "too many template definitions in one chunk", def_offset);
  }
  if (static_cast<std::size_t>(def_offset) + 24 > chunk.size()) {
    return fail(ErrorCode::kCorrupt,
                fmt::format("template definition offset 0x{:x} outside the chunk", def_offset),
                def_offset);
  }
  const std::uint32_t size = ByteReader::at<std::uint32_t>(chunk, def_offset + 20);
  if (static_cast<std::size_t>(def_offset) + 24 + size > chunk.size()) {
    return fail(ErrorCode::kCorrupt, "template definition runs past the chunk", def_offset);
  }
  Tree* t = take(template_pool, templates_used);
  ByteReader r(chunk.first(def_offset + 24 + size), def_offset + 24);
  if (r.peek_u8() == detail::kTokFragmentHeader) r.skip(4);
  auto root = parse_element(r, *t, /*has_dep=*/true, 0);
  if (!root) {
    --templates_used;
    return tl::unexpected(root.error());
  }
  t->root = *root;
  compute_filter_slots(*t, strings);
  templates.emplace(def_offset, t);
  return t;
}

Result<void> ChunkDecoder::Impl::read_instance_values(ByteReader& r, Doc& d) {
  const std::uint32_t count = r.u32();
  if (r.failed()) return fail(ErrorCode::kTruncated, "substitution count runs past the data", r.pos());
  if (count > limits::kMaxSubstitutions) {
    return fail(ErrorCode::kLimit, fmt::format("{} substitution values", count), r.pos());
  }
  if (!r.has(4 * static_cast<std::size_t>(count))) {
    return fail(ErrorCode::kTruncated, "substitution descriptors run past the data", r.pos());
  }
  d.first_value = static_cast<std::uint32_t>(values.size());
  d.value_count = count;
  std::uint32_t data = static_cast<std::uint32_t>(r.pos() + 4 * static_cast<std::size_t>(count));
  for (std::uint32_t i = 0; i < count; ++i) {
    Value v;
    v.size = r.u16();
    v.type = r.u8();
    r.u8();
    v.offset = data;
    data += v.size;
    values.push_back(v);
  }
  if (data > r.size()) {
    values.resize(d.first_value);
    return fail(ErrorCode::kTruncated, "substitution values run past the record", r.pos());
  }
  r.seek(data);
  return {};
}

Result<Doc> ChunkDecoder::Impl::parse_fragment(std::uint32_t pos, std::uint32_t end, int depth) {
  if (depth > limits::kMaxBinXmlDepth) {
    return fail(ErrorCode::kLimit, "BinXml values nested too deeply", pos);
  }
  if (end > chunk.size()) end = static_cast<std::uint32_t>(chunk.size());
  ByteReader r(chunk.first(end), pos);
  // Skip a processing-instruction prologue.
  while (r.peek_u8() == detail::kTokPITarget && r.remaining()) {
    r.u8();
    if (auto n = read_name(r); !n) return tl::unexpected(n.error());
    if (r.peek_u8() == detail::kTokPIData) {
      r.u8();
      if (auto tx = read_text(r); !tx) return tl::unexpected(tx.error());
    }
  }
  if (r.peek_u8() == detail::kTokFragmentHeader) r.skip(4);
  Doc d;
  const std::uint8_t tok = r.peek_u8();
  if (tok == detail::kTokTemplateInstance) {
    r.u8();
    r.u8();   // unknown (1)
    r.u32();  // template id
    const std::uint32_t def = r.u32();
    if (r.failed()) return fail(ErrorCode::kTruncated, "template instance runs past the record", pos);
    if (def == r.pos()) {
      // Inline definition: skip header (24 bytes) and body.
      const std::uint32_t size = ByteReader::at<std::uint32_t>(chunk, def + 20);
      if (!r.skip(24 + static_cast<std::size_t>(size))) {
        return fail(ErrorCode::kTruncated, "inline template definition runs past the record", def);
      }
    }
    auto t = load_template(def);
    if (!t) return tl::unexpected(t.error());
    d.tree = *t;
    d.root = (*t)->root;
    if (auto v = read_instance_values(r, d); !v) return tl::unexpected(v.error());
    return d;
  }
  if ((tok & ~detail::kTokMore) == detail::kTokOpenStart) {
    Tree* t = take(scratch_pool, scratch_used);
    auto root = parse_element(r, *t, /*has_dep=*/false, 0);
    if (!root) return tl::unexpected(root.error());
    t->root = *root;
    d.tree = t;
    d.root = *root;
    d.first_value = static_cast<std::uint32_t>(values.size());
    return d;
  }
  if (tok == detail::kTokEof || r.remaining() == 0) {
    // An empty fragment (a half-written record, an empty BinXml value): nothing to render.
    d.first_value = static_cast<std::uint32_t>(values.size());
    return d;
  }
  return fail(ErrorCode::kCorrupt, fmt::format("fragment starts with token 0x{:02x}", tok), r.pos());
}

// ---- ChunkDecoder ------------------------------------------------------------------------

ChunkDecoder::ChunkDecoder() : impl_(std::make_unique<Impl>()) {}
ChunkDecoder::~ChunkDecoder() = default;

const ChunkIndex& ChunkDecoder::load(std::span<const std::uint8_t> chunk, bool carve) {
  impl_->reset_chunk(chunk);
  index_chunk(chunk, carve, index_);
  return index_;
}

Result<Doc> ChunkDecoder::open(const RecordRef& rec) {
  impl_->reset_record();
  auto d = impl_->parse_fragment(rec.offset + static_cast<std::uint32_t>(kRecordHeaderSize),
                                 rec.offset + rec.size - 4, 0);
  if (d && d->root == detail::kNoNode) {
    return fail(ErrorCode::kCorrupt, "record holds an empty BinXml document",
                rec.offset + kRecordHeaderSize);
  }
  return d;
}

bool ChunkDecoder::accepts(const Doc& d, const EventFilter& f) {
  if (f.accepts_all()) return true;
  const detail::FilterSlots& s = d.tree->slots;
  if (!f.event_ids.empty()) {
    std::uint64_t id = 0;
    bool known = false;
    if (s.event_id_subst >= 0) {
      const Value v = impl_->value(d, static_cast<std::uint32_t>(s.event_id_subst));
      known = detail::value_as_uint(impl_->bytes(v), v.type, id);
    } else if (s.event_id_literal >= 0) {
      id = static_cast<std::uint64_t>(s.event_id_literal);
      known = true;
    }
    if (!known) {
      RawEvent ev;
      if (!extract(d, ev)) return true;  // let the caller see the failure
      id = ev.event_id;
    }
    bool hit = false;
    for (std::uint32_t want : f.event_ids) hit = hit || want == id;
    if (!hit) return false;
  }
  if (!f.channels.empty()) {
    if (s.channel_subst >= 0) {
      const Value v = impl_->value(d, static_cast<std::uint32_t>(s.channel_subst));
      if (v.type != detail::kString) return false;
      for (const auto& want : f.channels) {
        if (ascii_iequal_utf16(impl_->bytes(v), want)) return true;
      }
      return false;
    }
    std::string channel;
    if (s.channel_literal >= 0) {
      channel = impl_->strings.raw[static_cast<std::size_t>(s.channel_literal)];
    } else {
      RawEvent ev;
      if (!extract(d, ev)) return true;
      channel = ev.channel;
    }
    for (const auto& want : f.channels) {
      if (ascii_iequal(channel, want)) return true;
    }
    return false;
  }
  return true;
}

}  // namespace cmdsentry::evtx
