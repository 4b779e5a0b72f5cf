#include "evtx/chunk_decoder.h"

#include <cstring>

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

std::string_view StringTable::Part::store(std::string_view s) {
  constexpr std::size_t kBlock = 64 * 1024;
  if (s.empty()) return {};
  while (true) {
    if (block < blocks.size() && block_sizes[block] - used >= s.size()) {
      char* p = blocks[block].get() + used;
      std::memcpy(p, s.data(), s.size());
      used += s.size();
      stored += s.size();
      return {p, s.size()};
    }
    if (block < blocks.size() && used > 0) {
      ++block;
      used = 0;
      continue;
    }
    if (block >= blocks.size() || block_sizes[block] < s.size()) {
      const std::size_t size = std::max(kBlock, s.size());
      blocks.insert(blocks.begin() + static_cast<std::ptrdiff_t>(block),
                    std::make_unique<char[]>(size));
      block_sizes.insert(block_sizes.begin() + static_cast<std::ptrdiff_t>(block), size);
      used = 0;
    }
  }
}

std::uint32_t StringTable::add_to(Part& p, std::string_view utf8, bool name) {
  const std::string_view r = p.store(utf8);
  std::string_view j = r;
  // Most names and texts are plain ASCII: look before escaping into a copy to compare. The XML
  // renderer wrote each name and text through the escaper at every element it rendered; real
  // ones rarely need it either.
  const unsigned plain = plain_for(utf8);
  if ((plain & kJsonPlain) == 0) {
    escape_scratch_.clear();
    append_escaped(escape_scratch_, utf8, Escape::kJson);
    if (escape_scratch_ != utf8) j = p.store(escape_scratch_);
  }
  std::string_view x = r;
  if (name) {
    if ((plain & kXmlPlain) == 0) {
      escape_scratch_.clear();
      append_escaped(escape_scratch_, utf8, Escape::kXmlAttr);
      x = p.store(escape_scratch_);
    }
  }
  p.raw.push_back(r);
  p.json.push_back(j);
  p.xml.push_back(x);
  p.xml_plain.push_back((plain & kXmlPlain) != 0 ? 1 : 0);
  return static_cast<std::uint32_t>(p.raw.size() - 1);
}

void finalize_tree(Tree& t, const StringTable& strings) {
  // Children come after their parent in `nodes`, so one backwards pass sees children first;
  // flags only look at direct children, so order does not matter anyway.
  thread_local std::vector<std::string_view> keys;  // reused: bare fragments come per record
  for (std::uint32_t e = 0; e < t.nodes.size(); ++e) {
    Node& n = t.nodes[e];
    if (n.kind != NodeKind::kElement) continue;
    n.flags = 0;
    n.name_attr = kNoNode;
    if (strings.raw(n.name) == "Data") {
      n.flags |= kFlagIsData;
      for (std::uint32_t a = n.first_attr; a != kNoNode; a = t.nodes[a].next) {
        if (strings.raw(t.nodes[a].name) == "Name") n.name_attr = a;
      }
      if (n.name_attr == kNoNode) n.flags |= kFlagUnnamedData;
    }
    bool static_keys = true;
    bool attributes_key = false;
    keys.clear();
    for (std::uint32_t c = n.first_child; c != kNoNode; c = t.nodes[c].next) {
      const Node& cn = t.nodes[c];
      switch (cn.kind) {
        case NodeKind::kSubstitution:
          n.flags |= kFlagSubstContent;
          static_keys = false;  // a BinXml value adds a child with a dynamic name
          break;
        case NodeKind::kElement: {
          n.flags |= kFlagStaticElements;
          if (cn.dependency != kNoDependency) n.flags |= kFlagChildDeps;
          // The child's JSON key: Data's literal Name, else its element name.
          std::string_view key = strings.json(cn.name);
          if (strings.raw(cn.name) == "Data") {
            std::uint32_t na = kNoNode;
            for (std::uint32_t a = cn.first_attr; a != kNoNode; a = t.nodes[a].next) {
              if (strings.raw(t.nodes[a].name) == "Name") na = a;
            }
            if (na == kNoNode) {
              static_keys = false;  // unnamed Data siblings are grouped
            } else {
              const std::uint32_t p = t.nodes[na].first_child;
              if (p == kNoNode || t.nodes[p].kind != NodeKind::kText ||
                  t.nodes[p].next != kNoNode) {
                static_keys = false;
              } else {
                key = strings.json(t.nodes[p].text);
              }
            }
          }
          // Once a key repeats, the element's keys need bookkeeping: stop comparing (siblings
          // repeating one name made this quadratic in every bare fragment).
          if (static_keys) {
            static_keys = !attributes_key;  // an earlier sibling is keyed "#attributes"
            for (std::size_t k = 0; k < keys.size() && static_keys; ++k)
              static_keys = keys[k] != key;
            attributes_key = attributes_key || key == "#attributes";
            keys.push_back(key);
          }
          break;
        }
        case NodeKind::kText:
        case NodeKind::kCData:
          if (!strings.raw(cn.text).empty()) n.flags |= kFlagStaticText;
          break;
        case NodeKind::kCharRef:
        case NodeKind::kEntityRef:
          n.flags |= kFlagStaticText;
          break;
        default:
          break;
      }
    }
    if (static_keys && (n.flags & kFlagStaticText) == 0) n.flags |= kFlagStaticKeys;
    std::uint32_t width = 0;  // nodes per tree are capped far below 2^32
    for (std::uint32_t a = n.first_attr; a != kNoNode; a = t.nodes[a].next) {
      ++width;
      for (std::uint32_t p = t.nodes[a].first_child; p != kNoNode; p = t.nodes[p].next) ++width;
    }
    for (std::uint32_t c = n.first_child; c != kNoNode; c = t.nodes[c].next) ++width;
    n.width = width;
  }
}

}  // namespace detail

namespace {

/// Finds System/EventID and System/Channel in a template so filters can read them directly.
void compute_filter_slots(Tree& t, const detail::StringTable& s) {
  auto child_named = [&](std::uint32_t parent, std::string_view name) {
    for (std::uint32_t c = t.nodes[parent].first_child; c != detail::kNoNode; c = t.nodes[c].next) {
      if (t.nodes[c].kind == NodeKind::kElement && s.raw(t.nodes[c].name) == name) return c;
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
      const std::string_view txt = s.raw(c.text);
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

bool element_suppressed(const ChunkDecoder::Impl&, const Doc&, const Node&) {
  // [MS-EVEN6] says an element whose dependency value is Null is not emitted, but real templates
  // (Sysmon, Security) set dependency ids on EventData/Data elements whose referenced value is
  // Null while the element still carries the event's fields. evtx_dump, libevtx and Windows'
  // own rendering keep those elements, so the dependency id is read and ignored.
  return false;
}

// ---- Render budget -----------------------------------------------------------------------

namespace detail {

Result<void> RenderBudget::finish_record(std::uint64_t offset) {
  spend(0, 0);  // the output's last growth
  out_ = nullptr;
  chunk_bytes_ += bytes_;
  chunk_nodes_ += nodes_;
  if (!exceeded_) return {};
  if (bytes_ > limits::kMaxRenderedRecordBytes) {
    return fail(ErrorCode::kLimit,
                fmt::format("record renders into more than {} MiB (array values repeating "
                            "elements)",
                            limits::kMaxRenderedRecordBytes >> 20),
                offset);
  }
  if (nodes_ > limits::kMaxRenderedRecordNodes) {
    return fail(ErrorCode::kLimit,
                fmt::format("record expands into more than {} template nodes (array values "
                            "repeating elements)",
                            limits::kMaxRenderedRecordNodes),
                offset);
  }
  return fail(ErrorCode::kLimit,
              fmt::format("chunk's rendering budget ({} MiB, {} template nodes) used up",
                          limits::kMaxRenderedChunkBytes >> 20, limits::kMaxRenderedChunkNodes),
              offset);
}

}  // namespace detail

// ---- Impl: chunk state -------------------------------------------------------------------

void ChunkDecoder::Impl::reset_chunk(std::span<const std::uint8_t> c) {
  chunk = c;
  // Strings live as long as the kept templates whose trees name them (see template_cache.h).
  if (known_templates.needs_reset() || strings.bytes() > kMaxKeptStringBytes) {
    known_templates.clear();
    strings.clear();
  }
  names.clear();
  templates.clear();
  templates_used = 0;
  budget.reset_chunk();
  reset_record();
}

void ChunkDecoder::Impl::reset_record() {
  scratch_used = 0;
  strings.clear_scratch();
  values.clear();
  item_pool.clear();
  docs.clear();
  child_base.clear();
  child_ordinals.clear();
}

std::span<const std::span<const std::uint8_t>> ChunkDecoder::Impl::items(const Doc& d,
                                                                         std::uint32_t index) {
  if (index >= d.value_count) return {};
  Value& v = values[d.first_value + index];
  if ((v.type & detail::kArrayFlag) == 0) return {};
  if (v.items_first == detail::kNoNode) {
    detail::split_array(bytes(v), v.type, array_items);
    v.items_first = static_cast<std::uint32_t>(item_pool.size());
    v.items_count = static_cast<std::uint32_t>(array_items.size());
    item_pool.insert(item_pool.end(), array_items.begin(), array_items.end());
  }
  return std::span(item_pool).subspan(v.items_first, v.items_count);
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
  if (recording_names) name_refs.push_back({static_cast<std::uint32_t>(r.pos() - 4), off});
  if (off == r.pos()) {
    // Inline definition: skip it (the cache below reads it from the chunk).
    const std::uint16_t n = ByteReader::at<std::uint16_t>(chunk, off + 6);
    if (!r.skip(10 + 2 * static_cast<std::size_t>(n))) {
      return fail(ErrorCode::kTruncated, "inline name runs past the data", off);
    }
  }
  if (auto it = names.find(off); it != names.end()) return it->second;
  if (static_cast<std::size_t>(off) + 8 > chunk.size()) {
    return fail(ErrorCode::kCorrupt, fmt::format("name offset 0x{:x} outside the chunk", off),
                r.pos());
  }
  const std::size_t n = ByteReader::at<std::uint16_t>(chunk, off + 6);
  if (off + 8 + 2 * n > chunk.size()) {
    return fail(ErrorCode::kCorrupt, "name runs past the chunk", off);
  }
  text_scratch.clear();
  append_utf16le(text_scratch, chunk.data() + off + 8, n, Escape::kNone);
  const std::uint32_t id = strings.add_name(text_scratch);
  names.emplace(off, id);
  return id;
}

Result<std::uint32_t> ChunkDecoder::Impl::read_text(ByteReader& r) {
  const std::uint16_t n = r.u16();
  auto b = r.bytes(2 * static_cast<std::size_t>(n));
  if (r.failed()) return fail(ErrorCode::kTruncated, "text runs past the data", r.pos());
  text_scratch.clear();
  append_utf16le(text_scratch, b.data(), n, Escape::kNone);
  return scratch_text ? strings.add_scratch(text_scratch) : strings.add(text_scratch);
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
        return fail(ErrorCode::kCorrupt, fmt::format("value token of type 0x{:02x}", type),
                    r.pos());
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
        n.text = scratch_text ? strings.add_scratch({}) : strings.add({});
      }
      break;
    }
    default:
      return fail(ErrorCode::kCorrupt, fmt::format("unexpected BinXml token 0x{:02x}", tok),
                  r.pos());
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
  while ((r.peek_u8() & ~detail::kTokMore) == detail::kTokAttribute && !r.failed() &&
         r.remaining()) {
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
      if (k != detail::kTokValue && k != detail::kTokNormalSubst &&
          k != detail::kTokOptionalSubst && k != detail::kTokCharRef &&
          k != detail::kTokEntityRef) {
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
  if (const Tree* kept = known_templates.find(chunk, def_offset)) {
    // The tree is only read from here on (shape interning sets its id once, when unknown).
    Tree* t = const_cast<Tree*>(kept);
    templates.emplace(def_offset, t);
    return t;
  }
  Tree* t = take(template_pool, templates_used);
  ByteReader r(chunk.first(def_offset + 24 + size), def_offset + 24);
  if (r.peek_u8() == detail::kTokFragmentHeader) r.skip(4);
  name_refs.clear();
  recording_names = true;
  const bool was_scratch = scratch_text;
  scratch_text = false;  // a kept tree must never name record text
  auto root = parse_element(r, *t, /*has_dep=*/true, 0);
  scratch_text = was_scratch;
  recording_names = false;
  if (!root) {
    --templates_used;
    return tl::unexpected(root.error());
  }
  t->root = *root;
  finalize_tree(*t, strings);
  compute_filter_slots(*t, strings);
  t->is_template = true;
  templates.emplace(def_offset, t);
  known_templates.add(chunk, def_offset, *t, name_refs);
  return t;
}

Result<void> ChunkDecoder::Impl::read_instance_values(ByteReader& r, Doc& d) {
  const std::uint32_t count = r.u32();
  if (r.failed())
    return fail(ErrorCode::kTruncated, "substitution count runs past the data", r.pos());
  if (count > limits::kMaxSubstitutions) {
    return fail(ErrorCode::kLimit, fmt::format("{} substitution values", count), r.pos());
  }
  if (!r.has(4 * static_cast<std::size_t>(count))) {
    return fail(ErrorCode::kTruncated, "substitution descriptors run past the data", r.pos());
  }
  d.first_value = static_cast<std::uint32_t>(values.size());
  d.value_count = count;
  // Descriptors are in bounds (checked above): read them straight from the chunk.
  const std::uint8_t* desc = chunk.data() + r.pos();
  std::uint32_t data = static_cast<std::uint32_t>(r.pos() + 4 * static_cast<std::size_t>(count));
  values.resize(d.first_value + count);
  Value* out = values.data() + d.first_value;
  for (std::uint32_t i = 0; i < count; ++i) {
    out[i].size = static_cast<std::uint16_t>(desc[4 * i] | (desc[4 * i + 1] << 8));
    out[i].type = desc[4 * i + 2];
    out[i].offset = data;
    data += out[i].size;
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
  d.depth = static_cast<std::uint32_t>(depth);
  const std::uint8_t tok = r.peek_u8();
  if (tok == detail::kTokTemplateInstance) {
    r.u8();
    r.u8();   // unknown (1)
    r.u32();  // template id
    const std::uint32_t def = r.u32();
    if (r.failed())
      return fail(ErrorCode::kTruncated, "template instance runs past the record", pos);
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
    // The fragment's text lives with the record (names are kept: a chunk repeats them).
    const bool was_scratch = scratch_text;
    scratch_text = true;
    auto root = parse_element(r, *t, /*has_dep=*/false, 0);
    scratch_text = was_scratch;
    if (!root) return tl::unexpected(root.error());
    t->root = *root;
    finalize_tree(*t, strings);
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
  return fail(ErrorCode::kCorrupt, fmt::format("fragment starts with token 0x{:02x}", tok),
              r.pos());
}

// ---- Impl: documents of a record (render cache) -------------------------------------------

Result<void> ChunkDecoder::Impl::prepare_docs(const Doc& root) {
  docs.clear();
  child_base.clear();
  child_ordinals.clear();
  signature_len = 0;  // the buffer keeps its size: no zero fill per record
  cacheable = true;
  docs.push_back(root);
  docs.back().ordinal = 0;
  // Appends through a raw cursor: the signature grows by a few bytes per value, and string
  // appends of 1-4 bytes each were a visible cost per record.
  std::size_t sig_len = 0;
  auto put = [&](auto v) {
    if (signature.size() < sig_len + sizeof(v)) signature.resize(2 * (sig_len + sizeof(v)) + 64);
    std::memcpy(signature.data() + sig_len, &v, sizeof(v));
    sig_len += sizeof(v);
  };
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const Doc d = docs[i];
    child_base.push_back(static_cast<std::uint32_t>(child_ordinals.size()));
    if (d.root == detail::kNoNode) {
      put(std::uint32_t{0xFFFFFFFF});
      continue;
    }
    if (d.tree->is_template && !d.tree->shape_known) {
      auto* t = const_cast<detail::Tree*>(d.tree);  // the tree is ours (pooled), only const in Doc
      t->structure_id = cache.intern(*t, strings);
      t->shape_known = true;
    }
    if (d.tree->structure_id == 0) cacheable = false;
    put(d.tree->structure_id);
    put(d.value_count);
    const std::size_t ordinals = child_ordinals.size();
    child_ordinals.resize(ordinals + d.value_count, detail::kNoNode);
    // Each value writes 2 bytes (6 for an array): room for all of them once, then no size check
    // per value. Nothing below resizes the buffer (nested fragments only add values).
    const std::size_t room = sig_len + 6 * static_cast<std::size_t>(d.value_count);
    if (signature.size() < room) signature.resize(2 * room + 64);
    char* const sig = signature.data();
    for (std::uint32_t k = 0; k < d.value_count; ++k) {
      const Value v = values[d.first_value + k];
      std::uint8_t flag = v.size == 0 ? 1 : 0;
      if (v.type == detail::kString && flag == 0) {
        auto b = bytes(v);
        bool empty = true;
        for (std::size_t j = 0; j + 1 < b.size() && empty; j += 2)
          empty = b[j] == 0 && b[j + 1] == 0;
        flag = empty ? 2 : 0;
      }
      // Type and flag in one write: the signature grows by a few bytes per value.
      const auto entry = static_cast<std::uint16_t>(v.type | (flag << 8));
      std::memcpy(sig + sig_len, &entry, sizeof(entry));
      sig_len += sizeof(entry);
      if (v.type & detail::kArrayFlag) {
        const auto n = static_cast<std::uint32_t>(items(d, k).size());
        std::memcpy(sig + sig_len, &n, sizeof(n));
        sig_len += sizeof(n);
      }
      if (v.type == detail::kBinXml) {
        auto nested = parse_fragment(v.offset, v.offset + v.size, static_cast<int>(d.depth) + 1);
        if (!nested) {
          // A value the template may never show (e.g. a carved record's stale data): the record
          // fails only if a renderer reaches it (nested_doc parses it again and fails then).
          if (nested.error().code == ErrorCode::kLimit) return tl::unexpected(nested.error());
          cacheable = false;
          continue;
        }
        nested->ordinal = static_cast<std::uint32_t>(docs.size());
        child_ordinals[ordinals + k] = nested->ordinal;
        docs.push_back(*nested);
      }
    }
  }
  signature_len = sig_len;
  return {};
}

Result<Doc> ChunkDecoder::Impl::nested_doc(const Doc& parent, std::uint16_t index) {
  if (parent.ordinal < child_base.size() &&
      docs[parent.ordinal].first_value == parent.first_value && index < parent.value_count) {
    const std::uint32_t o = child_ordinals[child_base[parent.ordinal] + index];
    if (o != detail::kNoNode) return docs[o];
  }
  const Value v = value(parent, index);
  auto d = parse_fragment(v.offset, v.offset + v.size, static_cast<int>(parent.depth) + 1);
  // Parsed again each time the element holding it is rendered (once per array item): count the
  // values and fragment nodes it adds like rendering, or repetition grows memory unbounded.
  if (d && d->tree != nullptr) {
    budget.spend(0, d->value_count + (d->tree->is_template ? 0 : d->tree->nodes.size()));
  }
  return d;
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
  impl_->record_offset = rec.offset;
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
      channel = impl_->strings.raw(static_cast<std::size_t>(s.channel_literal));
    } else {
      RawEvent ev;
      if (!extract(d, ev)) return true;
      channel = ev.channel();
    }
    for (const auto& want : f.channels) {
      if (ascii_iequal(channel, want)) return true;
    }
    return false;
  }
  return true;
}

}  // namespace cmdsentry::evtx
