#include "evtx/render_cache.h"

#include <cstring>

namespace cmdsentry::evtx::detail {
namespace {

/// Caps that keep a hostile log (every record a new template) from growing memory. Literal text
/// is capped too: a record that repeats elements per array item records up to
/// limits::kMaxRenderedRecordBytes of it.
constexpr std::size_t kMaxShapes = 16384;
constexpr std::size_t kMaxPrograms = 16384;
constexpr std::size_t kMaxProgramBytes = 64u << 20;

template <class T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof(v));
}

void put_str(std::string& s, std::string_view v) {
  put(s, static_cast<std::uint32_t>(v.size()));
  s.append(v);
}

}  // namespace

void Recorder::cut(const std::string& out) {
  if (&out != target_) {
    ok_ = false;
    return;
  }
  program_.literals.append(out, mark_, out.size() - mark_);
}

void Recorder::value(const std::string& out, std::uint32_t doc, std::uint16_t index, int item,
                     ValueStyle style) {
  if (&out != target_) {
    ok_ = false;
    return;
  }
  program_.ops.push_back(
      {static_cast<std::uint32_t>(program_.literals.size()), doc, index, item, style});
  mark_ = out.size();
}

bool Recorder::finish(const std::string& out) {
  program_.literals.append(out, mark_, out.size() - mark_);
  return ok_;
}

std::uint32_t RenderCache::intern(const Tree& t, const StringTable& strings) {
  scratch_.clear();
  put(scratch_, t.root);
  for (const Node& n : t.nodes) {
    put(scratch_, static_cast<std::uint8_t>(n.kind));
    put(scratch_, n.value_type);
    put(scratch_, static_cast<std::uint8_t>(n.optional));
    put(scratch_, n.index);
    put(scratch_, n.dependency);
    put(scratch_, n.first_attr);
    put(scratch_, n.first_child);
    put(scratch_, n.next);
    put(scratch_, n.name_attr);
    put(scratch_, n.flags);
    switch (n.kind) {
      case NodeKind::kElement:
      case NodeKind::kAttribute:
      case NodeKind::kEntityRef:
        put_str(scratch_, strings.raw(n.name));
        break;
      case NodeKind::kPI:
        put_str(scratch_, strings.raw(n.name));
        put_str(scratch_, strings.raw(n.text));
        break;
      case NodeKind::kText:
      case NodeKind::kCData:
        put_str(scratch_, strings.raw(n.text));
        break;
      default:
        break;
    }
  }
  if (auto it = shapes_.find(scratch_); it != shapes_.end()) return it->second;
  if (shapes_.size() >= kMaxShapes) {
    shapes_.clear();
    drop_programs();  // programs name shapes by id: drop them together
  }
  // Ids are never reused: trees kept across chunks (template_cache.h) hold ids from before a
  // reset, and a reused id would let one of them replay another shape's program.
  const std::uint32_t id = ++last_shape_id_;
  shapes_.emplace(scratch_, id);
  return id;
}

void RenderCache::drop_programs() {
  for (auto& p : programs_) p.clear();
  program_bytes_ = 0;
}

const Program* RenderCache::find(Output o, std::string_view signature) const {
  const auto& programs = programs_[static_cast<int>(o)];
  auto it = programs.find(signature);
  return it == programs.end() ? nullptr : &it->second;
}

void RenderCache::insert(Output o, std::string_view signature, Program&& program) {
  if (programs_[0].size() + programs_[1].size() >= kMaxPrograms ||
      program_bytes_ + program.literals.size() > kMaxProgramBytes) {
    drop_programs();
  }
  program_bytes_ += program.literals.size();
  programs_[static_cast<int>(o)].emplace(std::string(signature), std::move(program));
}

}  // namespace cmdsentry::evtx::detail
