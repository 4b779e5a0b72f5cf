#pragma once
/// Template definitions kept from chunk to chunk.
///
/// Why: consecutive chunks of a log define the same templates again (each chunk is
/// self-contained), and parsing a definition, finalizing its tree and interning its shape cost
/// about an eighth of single-thread decoding. A definition cannot be keyed by its bytes alone:
/// it names elements and attributes by chunk-relative offsets, and an inline name carries the
/// chunk's hash-chain link. So an entry keeps the definition's bytes as first seen and where
/// each name offset sits; another chunk's definition matches when its bytes are equal outside
/// those places, each offset points to the same place inside the definition, and each name
/// outside it holds the same characters. A match is then exactly what parsing would build.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evtx/binxml.h"

namespace cmdsentry::evtx::detail {

/// One name offset read while a definition was parsed.
struct NameRef {
  std::uint32_t field = 0;   ///< chunk offset of the 4-byte offset field
  std::uint32_t target = 0;  ///< the chunk offset it holds
};

class KnownTemplates {
 public:
  /// The tree of the definition whose 24-byte header starts at `def` in `chunk` (bounds
  /// checked by the caller), or null.
  [[nodiscard]] const Tree* find(std::span<const std::uint8_t> chunk, std::uint32_t def) const;
  /// Keeps `tree`, parsed from the definition at `def` while `refs` were read. Does nothing once
  /// full (see needs_reset).
  void add(std::span<const std::uint8_t> chunk, std::uint32_t def, const Tree& tree,
           std::span<const NameRef> refs);
  /// Over its caps: the owner clears it (with the string table its trees use) between chunks.
  [[nodiscard]] bool needs_reset() const { return full_; }
  void clear();

 private:
  struct External {
    std::uint32_t field = 0;  ///< offset of the field, relative to the definition body
    std::string name;         ///< the name's character count and UTF-16 characters
  };
  struct Entry {
    std::string body;  ///< definition bytes after the header, as first seen
    /// Byte ranges of `body` not compared: offset fields and inline names' chain links.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> skips;
    /// Offset fields pointing inside the body: (field, target), both relative to the body.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> internal;
    std::vector<External> external;
    std::unique_ptr<Tree> tree;
  };
  [[nodiscard]] static bool matches(const Entry& e, std::span<const std::uint8_t> chunk,
                                    std::uint32_t body);

  /// Keyed by the definition's GUID and size (20 header bytes).
  std::unordered_map<std::string, std::vector<Entry>> entries_;
  std::size_t count_ = 0, bytes_ = 0;
  bool full_ = false;
};

}  // namespace cmdsentry::evtx::detail
