#include "evtx_writer/binxml_encoder.h"

#include "core/utf.h"

namespace cmdsentry::evtxgen {
namespace {

constexpr std::uint8_t kTokEof = 0x00;
constexpr std::uint8_t kTokOpenStart = 0x01;
constexpr std::uint8_t kTokCloseStart = 0x02;
constexpr std::uint8_t kTokCloseEmpty = 0x03;
constexpr std::uint8_t kTokEnd = 0x04;
constexpr std::uint8_t kTokValue = 0x05;
constexpr std::uint8_t kTokAttribute = 0x06;
constexpr std::uint8_t kTokNormalSubst = 0x0D;
constexpr std::uint8_t kTokOptionalSubst = 0x0E;
constexpr std::uint8_t kTokFragment = 0x0F;
constexpr std::uint8_t kMoreFlag = 0x40;
constexpr std::uint16_t kNoDependency = 0xFFFF;

void encode_content(ByteSink& out, const Content& c) {
  if (c.is_substitution) {
    out.u8(c.optional ? kTokOptionalSubst : kTokNormalSubst);
    out.u16(c.index);
    out.u8(static_cast<std::uint8_t>(c.type));
    return;
  }
  out.u8(kTokValue);
  out.u8(static_cast<std::uint8_t>(ValueType::kString));
  out.u16(static_cast<std::uint16_t>(c.text.size()));
  out.utf16(c.text);
}

void encode_element(ByteSink& out, std::size_t base, const Element& e, NameTable& names) {
  const bool has_attributes = !e.attributes.empty();
  out.u8(has_attributes ? (kTokOpenStart | kMoreFlag) : kTokOpenStart);
  out.u16(kNoDependency);
  const std::size_t size_pos = out.size();
  out.u32(0);
  names.write_ref(out, base, e.name);
  if (has_attributes) {
    const std::size_t list_pos = out.size();
    out.u32(0);
    for (std::size_t i = 0; i < e.attributes.size(); ++i) {
      const bool more = i + 1 < e.attributes.size();
      out.u8(more ? (kTokAttribute | kMoreFlag) : kTokAttribute);
      names.write_ref(out, base, e.attributes[i].name);
      encode_content(out, e.attributes[i].value);
    }
    out.patch_u32(list_pos, static_cast<std::uint32_t>(out.size() - list_pos - 4));
  }
  if (e.children.empty() && !e.content) {
    out.u8(kTokCloseEmpty);
  } else {
    out.u8(kTokCloseStart);
    if (e.content) encode_content(out, *e.content);
    for (const Element& child : e.children) encode_element(out, base, child, names);
    out.u8(kTokEnd);
  }
  out.patch_u32(size_pos, static_cast<std::uint32_t>(out.size() - size_pos - 4));
}

}  // namespace

std::uint16_t name_hash(std::u16string_view name) {
  std::uint32_t h = 0;
  for (char16_t c : name) h = h * 65599U + c;
  return static_cast<std::uint16_t>(h);
}

void NameTable::write_ref(ByteSink& out, std::size_t base, std::string_view name) {
  if (auto it = offsets_.find(name); it != offsets_.end()) {
    out.u32(it->second);
    return;
  }
  const std::u16string units = utf8_to_utf16(name);
  const auto offset = static_cast<std::uint32_t>(base + out.size() + 4);
  const std::uint16_t hash = name_hash(units);
  std::uint32_t& head = buckets_[hash % kStringBuckets];
  out.u32(offset);
  out.u32(head);  // next name in the same bucket: the previous head
  out.u16(hash);
  out.u16(static_cast<std::uint16_t>(units.size()));
  out.utf16(units);
  out.u16(0);
  head = offset;
  offsets_.emplace(std::string(name), offset);
}

void encode_template_body(ByteSink& out, std::size_t base, const Element& root, NameTable& names) {
  out.u8(kTokFragment);
  out.u8(1);
  out.u8(1);
  out.u8(0);
  encode_element(out, base, root, names);
  out.u8(kTokEof);
}

}  // namespace cmdsentry::evtxgen
