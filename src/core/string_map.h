#pragma once
/// Hash maps keyed by std::string that are looked up by std::string_view without building a
/// string (heterogeneous lookup): the engine looks up hosts and keys per event.

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cmdsentry {

/// std::hash<std::string_view> for std::string and std::string_view keys alike.
struct StringHash {
  using is_transparent = void;
  [[nodiscard]] std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

/// The entry for `key`, default-constructed when missing; a string is built only then.
template <class V>
V& string_map_at(StringMap<V>& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), V{}).first;
  return it->second;
}

}  // namespace cmdsentry
