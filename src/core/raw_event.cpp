#include "core/raw_event.h"

#include <mutex>
#include <unordered_set>

namespace cmdsentry {
namespace {

struct NamePool {
  std::mutex mutex;
  std::unordered_set<std::string> names;  // nodes never move: pointers to them stay valid
};

NamePool& pool() {
  static auto* p = new NamePool;  // never destroyed: events may outlive static destructors
  return *p;
}

}  // namespace

SourceName::SourceName(std::string_view name) {
  if (name.empty()) return;
  NamePool& p = pool();
  const std::lock_guard<std::mutex> lock(p.mutex);
  name_ = &*p.names.emplace(name).first;
}

const std::string& SourceName::no_name() {
  static const std::string kEmpty;
  return kEmpty;
}

}  // namespace cmdsentry
