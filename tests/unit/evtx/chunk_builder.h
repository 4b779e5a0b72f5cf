#pragma once
/// A minimal EVTX builder for decoder unit tests: bare-element BinXml or inline template
/// definitions with substitutions (any value type, arrays included), inline names, one or more
/// chunks with valid CRCs. Hostile shapes (deep nesting, bad sizes, array repetition) are built
/// by hand on top of it. The full writer lives in tools/evtx_writer (it writes no arrays).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "evtx/crc32.h"

namespace cmdsentry::testing {

using Bytes = std::vector<std::uint8_t>;

inline void put16(Bytes& b, std::uint16_t v) {
  b.insert(b.end(), {std::uint8_t(v), std::uint8_t(v >> 8)});
}
inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
}
inline void put64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
}
inline void set32(Bytes& b, std::size_t off, std::uint32_t v) {
  std::memcpy(b.data() + off, &v, 4);
}
inline void set64(Bytes& b, std::size_t off, std::uint64_t v) {
  std::memcpy(b.data() + off, &v, 8);
}

/// BinXml for a record, written at a known chunk offset so inline names point at themselves.
class BinXmlBuilder {
 public:
  explicit BinXmlBuilder(std::uint32_t chunk_offset) : base_(chunk_offset) {}
  BinXmlBuilder& fragment_header() {
    b_.insert(b_.end(), {0x0F, 0x01, 0x01, 0x00});
    return *this;
  }
  BinXmlBuilder& open(const std::string& name, bool has_attrs = false) {
    b_.push_back(has_attrs ? 0x41 : 0x01);
    if (in_template_) put16(b_, 0xFFFF);  // dependency id: none
    put32(b_, 0);                         // data size (not trusted by the decoder)
    name_ref(name);
    if (has_attrs) put32(b_, 0);
    return *this;
  }
  BinXmlBuilder& attr(const std::string& name, const std::string& value) {
    b_.push_back(0x06);
    name_ref(name);
    text(value);
    return *this;
  }
  BinXmlBuilder& close_start() {
    b_.push_back(0x02);
    return *this;
  }
  BinXmlBuilder& close_empty() {
    b_.push_back(0x03);
    return *this;
  }
  BinXmlBuilder& end() {
    b_.push_back(0x04);
    return *this;
  }
  BinXmlBuilder& text(const std::string& ascii) {
    b_.push_back(0x05);
    b_.push_back(0x01);
    put16(b_, static_cast<std::uint16_t>(ascii.size()));
    for (char c : ascii) put16(b_, static_cast<std::uint8_t>(c));
    return *this;
  }
  BinXmlBuilder& eof() {
    b_.push_back(0x00);
    return *this;
  }
  /// A character reference (&#code;): the smallest content node, 3 bytes.
  BinXmlBuilder& char_ref(std::uint16_t code) {
    b_.push_back(0x08);
    put16(b_, code);
    return *this;
  }
  /// A substitution token (content or attribute value) for value `index` of `type`.
  BinXmlBuilder& subst(std::uint16_t index, std::uint8_t type) {
    b_.push_back(0x0D);
    put16(b_, index);
    b_.push_back(type);
    return *this;
  }
  /// An attribute whose value is substitution `index`.
  BinXmlBuilder& attr_subst(const std::string& name, std::uint16_t index, std::uint8_t type) {
    b_.push_back(0x06);
    name_ref(name);
    return subst(index, type);
  }
  /// Starts a template instance whose definition follows inline: write the definition (fragment
  /// header, one element, eof), then end it with template_values.
  BinXmlBuilder& template_begin(std::uint32_t id) {
    b_.push_back(0x0C);
    b_.push_back(0x01);
    put32(b_, id);
    definition_ = base_ + static_cast<std::uint32_t>(b_.size()) + 4;
    put32(b_, definition_);  // the definition follows right here
    put32(b_, 0);            // next definition
    put32(b_, id);           // GUID
    for (int i = 0; i < 3; ++i) put32(b_, 0);
    size_at_ = b_.size();
    put32(b_, 0);  // definition data size, patched by template_values
    in_template_ = true;
    return *this;
  }
  /// A template instance of the definition at chunk offset `definition` (written earlier in
  /// the chunk); follow with template_values.
  BinXmlBuilder& template_ref(std::uint32_t id, std::uint32_t definition) {
    b_.push_back(0x0C);
    b_.push_back(0x01);
    put32(b_, id);
    put32(b_, definition);
    size_at_ = SIZE_MAX;
    return *this;
  }
  /// Chunk offset of the last inline template definition.
  [[nodiscard]] std::uint32_t definition() const { return definition_; }
  /// Ends the definition and writes the instance's values: (type, bytes) in index order.
  BinXmlBuilder& template_values(const std::vector<std::pair<std::uint8_t, Bytes>>& values) {
    if (size_at_ != SIZE_MAX) {
      set32(b_, size_at_, static_cast<std::uint32_t>(b_.size() - size_at_ - 4));
    }
    in_template_ = false;
    put32(b_, static_cast<std::uint32_t>(values.size()));
    for (const auto& [type, v] : values) {
      put16(b_, static_cast<std::uint16_t>(v.size()));
      b_.push_back(type);
      b_.push_back(0);
    }
    for (const auto& [type, v] : values) b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  /// <name>text</name>
  BinXmlBuilder& leaf(const std::string& name, const std::string& value) {
    return open(name).close_start().text(value).end();
  }
  Bytes& bytes() { return b_; }

 private:
  void name_ref(const std::string& name) {
    const std::uint32_t here = base_ + static_cast<std::uint32_t>(b_.size()) + 4;
    put32(b_, here);  // inline: the offset is the position right after the field
    put32(b_, 0);     // next in bucket
    std::uint32_t h = 0;
    for (char c : name) h = h * 65599 + static_cast<std::uint8_t>(c);
    put16(b_, static_cast<std::uint16_t>(h));
    put16(b_, static_cast<std::uint16_t>(name.size()));
    for (char c : name) put16(b_, static_cast<std::uint8_t>(c));
    put16(b_, 0);
  }
  std::uint32_t base_;
  Bytes b_;
  bool in_template_ = false;
  std::size_t size_at_ = SIZE_MAX;
  std::uint32_t definition_ = 0;
};

/// UTF-16LE bytes of `ascii`, NUL-terminated when `nul`.
inline Bytes utf16(const std::string& ascii, bool nul = true) {
  Bytes b;
  for (char c : ascii) put16(b, static_cast<std::uint8_t>(c));
  if (nul) put16(b, 0);
  return b;
}

/// Record header + BinXml + size copy.
inline Bytes make_record(std::uint64_t id, const Bytes& binxml) {
  Bytes r;
  put32(r, 0x00002A2A);
  put32(r, static_cast<std::uint32_t>(binxml.size() + 28));
  put64(r, id);
  put64(r, 132000000000000000ULL);
  r.insert(r.end(), binxml.begin(), binxml.end());
  put32(r, static_cast<std::uint32_t>(binxml.size() + 28));
  return r;
}

/// A record holding <Event><System><EventID>id</EventID><Channel>ch</Channel></System>
/// <EventData><Data Name='CommandLine'>cmd</Data></EventData></Event>, placed at `offset`.
inline Bytes simple_record(std::uint32_t offset, std::uint64_t id, int event_id,
                           const std::string& channel, const std::string& cmd) {
  BinXmlBuilder x(offset + 24);
  x.fragment_header()
      .open("Event")
      .close_start()
      .open("System")
      .close_start()
      .leaf("EventID", std::to_string(event_id))
      .leaf("EventRecordID", std::to_string(id))
      .leaf("Channel", channel)
      .end()
      .open("EventData")
      .close_start()
      .open("Data", true)
      .attr("Name", "CommandLine")
      .close_start()
      .text(cmd)
      .end()
      .end()
      .end()
      .eof();
  return make_record(id, x.bytes());
}

/// A 64 KiB chunk from records (each built for its offset), with valid CRCs. A larger `size`
/// builds a chunk no file holds, for ChunkDecoder tests of caps a 64 KiB chunk cannot reach.
inline Bytes make_chunk(const std::vector<Bytes>& records, std::uint64_t first_id,
                        std::size_t size = 65536) {
  Bytes c(size, 0);
  std::memcpy(c.data(), "ElfChnk", 8);
  std::size_t off = 512;
  std::uint32_t last_off = 512;
  for (const auto& r : records) {
    std::memcpy(c.data() + off, r.data(), r.size());
    last_off = static_cast<std::uint32_t>(off);
    off += r.size();
  }
  const std::uint64_t last_id = first_id + (records.empty() ? 0 : records.size() - 1);
  set64(c, 8, first_id);
  set64(c, 16, last_id);
  set64(c, 24, first_id);
  set64(c, 32, last_id);
  set32(c, 40, 128);
  set32(c, 44, last_off);
  set32(c, 48, static_cast<std::uint32_t>(off));
  set32(c, 52, evtx::crc32(std::span(c.data() + 512, off - 512)));
  const std::uint32_t h =
      evtx::crc32(std::span(c.data() + 128, 384), evtx::crc32(std::span(c.data(), 120)));
  set32(c, 124, h);
  return c;
}

/// File header + chunks.
inline Bytes make_file(const std::vector<Bytes>& chunks) {
  Bytes f(4096, 0);
  std::memcpy(f.data(), "ElfFile", 8);
  set64(f, 16, chunks.empty() ? 0 : chunks.size() - 1);
  set32(f, 32, 128);
  f[36] = 1;
  f[38] = 3;
  f[40] = 0x00;
  f[41] = 0x10;
  f[42] = static_cast<std::uint8_t>(chunks.size());
  set32(f, 124, evtx::crc32(std::span(f.data(), 120)));
  for (const auto& c : chunks) f.insert(f.end(), c.begin(), c.end());
  return f;
}

}  // namespace cmdsentry::testing
