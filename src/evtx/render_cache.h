#pragma once
/// Render cache: JSON and XML output replayed from recorded programs.
///
/// Why: most records of a log share a handful of templates, and for one template the JSON text
/// between substitution values depends only on the values' types, null-ness, array lengths and
/// nested templates, not on their content. So the first record with a given "signature" is
/// rendered normally while a Recorder notes the literal text between values and which value goes
/// where; later records with the same signature are written by copying the literals and
/// rendering only the values. Shapes of template trees are interned by content, so programs
/// carry over from chunk to chunk. Anything whose layout depends on value content (a Data Name
/// taken from a value, a bare-element fragment) is not recorded and renders the normal way.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evtx/binxml.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx::detail {

/// The renderings a program can be recorded for (each has its own programs).
enum class Output : std::uint8_t { kJson, kXml };

/// Literal text with value slots.
struct Program {
  struct Op {
    std::uint32_t literal_end = 0;  ///< literals before this value end here
    std::uint32_t doc = 0;          ///< document ordinal holding the value
    std::uint16_t index = 0;        ///< substitution index
    std::int32_t item = -1;         ///< array item (-1: whole value)
    ValueStyle style = ValueStyle::kJsonTyped;
  };
  std::string literals;
  std::vector<Op> ops;
};

/// Watches one rendering into `target` and builds its Program.
class Recorder {
 public:
  Recorder(std::string& target, Program& program)
      : target_(&target), mark_(target.size()), program_(program) {}
  /// Text written since the last value is literal.
  void cut(const std::string& out);
  /// A value was just written.
  void value(const std::string& out, std::uint32_t doc, std::uint16_t index, int item,
             ValueStyle style);
  /// Rendering wrote something that depends on value content: do not keep the program.
  void spoil() { ok_ = false; }
  /// Adds the trailing literal text; true when the program may be cached.
  bool finish(const std::string& out);

 private:
  const std::string* target_;
  std::size_t mark_;
  Program& program_;
  bool ok_ = true;
};

/// Interned tree shapes and recorded programs of one decoder (one thread).
class RenderCache {
 public:
  /// Id (> 0) of the shape of template tree `t`; equal shapes get equal ids in any chunk.
  std::uint32_t intern(const Tree& t, const StringTable& strings);
  [[nodiscard]] const Program* find(Output o, std::string_view signature) const;
  void insert(Output o, std::string_view signature, Program&& program);

 private:
  void drop_programs();

  std::unordered_map<std::string, std::uint32_t> shapes_;
  /// Looked up by a view of the decoder's signature buffer (no key copied per record).
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Program, ViewHash, std::equal_to<>> programs_[2];  ///< by Output
  std::size_t program_bytes_ = 0;    ///< literal text held by programs_
  std::uint32_t last_shape_id_ = 0;  ///< ids handed out so far
  std::string scratch_;
};

}  // namespace cmdsentry::evtx::detail
