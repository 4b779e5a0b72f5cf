#include "core/uuid.h"

#include <cstdint>

#include <fmt/format.h>

namespace cmdsentry {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::string content_uuid(std::string_view content) {
  const std::uint64_t a = fnv1a(content, 0xcbf29ce484222325ULL);
  const std::uint64_t b = fnv1a(content, a ^ 0x9e3779b97f4a7c15ULL);
  const std::uint64_t hi = (a & ~0xf000ULL) | 0x8000ULL;                         // version 8
  const std::uint64_t lo = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace cmdsentry
