#include "evtx/template_cache.h"

#include <algorithm>
#include <cstring>

#include "core/byte_reader.h"

namespace cmdsentry::evtx::detail {
namespace {

/// Caps per decoder (one per thread): definitions and the bytes they hold (bodies and nodes).
constexpr std::size_t kMaxEntries = 2048;
constexpr std::size_t kMaxBytes = 8u << 20;
constexpr std::size_t kHeader = 24;  ///< next-definition offset, GUID, body size

std::string_view key_of(std::span<const std::uint8_t> chunk, std::uint32_t def) {
  return {reinterpret_cast<const char*>(chunk.data() + def + 4), 20};
}

/// A name's character count and characters at chunk offset `off` (empty when out of bounds).
std::string_view name_at(std::span<const std::uint8_t> chunk, std::uint32_t off) {
  if (static_cast<std::size_t>(off) + 8 > chunk.size()) return {};
  const std::size_t n = ByteReader::at<std::uint16_t>(chunk, off + 6);
  if (off + 8 + 2 * n > chunk.size()) return {};
  return {reinterpret_cast<const char*>(chunk.data() + off + 6), 2 + 2 * n};
}

}  // namespace

bool KnownTemplates::matches(const Entry& e, std::span<const std::uint8_t> chunk,
                             std::uint32_t body) {
  const std::uint8_t* b = chunk.data() + body;
  const auto* want = reinterpret_cast<const std::uint8_t*>(e.body.data());
  std::uint32_t pos = 0;
  for (const auto& [from, to] : e.skips) {
    if (std::memcmp(b + pos, want + pos, from - pos) != 0) return false;
    pos = to;
  }
  if (std::memcmp(b + pos, want + pos, e.body.size() - pos) != 0) return false;
  for (const auto& [field, target] : e.internal) {
    if (ByteReader::at<std::uint32_t>(chunk, body + field) != body + target) return false;
  }
  for (const External& x : e.external) {
    const std::uint32_t off = ByteReader::at<std::uint32_t>(chunk, body + x.field);
    // An offset into this definition would resolve to other bytes than the name first seen.
    if (off >= body && off < body + e.body.size()) return false;
    if (name_at(chunk, off) != x.name) return false;
  }
  return true;
}

const Tree* KnownTemplates::find(std::span<const std::uint8_t> chunk, std::uint32_t def) const {
  auto it = entries_.find(std::string(key_of(chunk, def)));
  if (it == entries_.end()) return nullptr;
  for (const Entry& e : it->second) {
    if (matches(e, chunk, def + kHeader)) return e.tree.get();
  }
  return nullptr;
}

void KnownTemplates::add(std::span<const std::uint8_t> chunk, std::uint32_t def, const Tree& tree,
                         std::span<const NameRef> refs) {
  if (full_) return;
  const std::uint32_t body = def + kHeader;
  const std::uint32_t size = ByteReader::at<std::uint32_t>(chunk, def + 20);
  Entry e;
  e.body.assign(reinterpret_cast<const char*>(chunk.data() + body), size);
  for (const NameRef& r : refs) {
    if (r.field < body || r.field + 4 > body + size) return;  // not a field of this body
    const std::uint32_t field = r.field - body;
    e.skips.emplace_back(field, field + 4);
    const std::string_view name = name_at(chunk, r.target);
    if (name.empty()) return;  // the parser would have failed: keep nothing
    const bool inside = r.target >= body && r.target + 6 + name.size() <= body + size;
    if (inside) {
      e.internal.emplace_back(field, r.target - body);
      e.skips.emplace_back(r.target - body, r.target - body + 4);  // the chain link
    } else if (r.target >= body && r.target < body + size) {
      return;  // a name straddling the end of the body: not worth a special case
    } else {
      e.external.push_back({field, std::string(name)});
    }
  }
  std::sort(e.skips.begin(), e.skips.end());
  // Merge overlapping ranges so matches() walks them in order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (const auto& s : e.skips) {
    if (!merged.empty() && s.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  e.skips = std::move(merged);
  e.tree = std::make_unique<Tree>(tree);
  bytes_ += e.body.size() + tree.nodes.size() * sizeof(Node) + 64;
  for (const External& x : e.external) bytes_ += x.name.size() + sizeof(External);
  entries_[std::string(key_of(chunk, def))].push_back(std::move(e));
  if (++count_ >= kMaxEntries || bytes_ >= kMaxBytes) full_ = true;
}

void KnownTemplates::clear() {
  entries_.clear();
  count_ = bytes_ = 0;
  full_ = false;
}

}  // namespace cmdsentry::evtx::detail
