#pragma once
/// Helpers shared by the JSON and XML renderers and the RawEvent extractor: what an element's
/// content holds once the record's values are known (dependency ids, null optionals, arrays).

#include <cstdint>

#include "evtx/binxml.h"
#include "evtx/decoder_impl.h"
#include "evtx/render_cache.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx::detail {

/// What an element holds for one record.
struct ContentShape {
  bool has_elements = false;             ///< child elements (or nested BinXml values)
  bool has_text = false;                 ///< text pieces (literals, references, non-null values)
  std::uint32_t single_subst = kNoNode;  ///< the only piece, when it is one substitution
};

/// Classifies the content of element `e`. `item` selects the array item of an array value
/// (-1: arrays are joined with ",").
/// `honor_deps`: drop child elements whose dependency value is null (Windows does; evtx_dump's
/// JSON keeps them, and so does ours).
ContentShape classify(const ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e, int item,
                      bool honor_deps = true);

/// Whether attribute `a` renders anything (some part is not a null value).
bool attribute_present(const ChunkDecoder::Impl& im, const Doc& d, std::uint32_t a);

/// Number of times element `e` is emitted: the item count of the first array value in its
/// direct content (at least 1), or 1.
std::size_t repeat_count(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e);

/// Counts one rendering of element `e` (1 + its width in nodes, and the output so far) against
/// the render budget; false once a cap is passed: the caller stops and fails the record.
inline bool visit(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e) {
  return im.budget.spend(0, 1 + static_cast<std::size_t>(d.tree->nodes[e].width));
}

/// What a renderer returns when visit() said stop; the public entry points replace it by the
/// budget's own message (RenderBudget::finish_record).
Result<void> over_budget();

/// The Name attribute of a `Data` element, or kNoNode.
std::uint32_t data_name_attribute(const ChunkDecoder::Impl& im, const Tree& t, std::uint32_t e);

/// Renders value `index` of `d` (array item `item`, or all items joined with "," when -1) in
/// `style`. Every value the JSON renderer writes goes through here, so the render cache can
/// record where values sit between literal text (see render_cache.h).
void emit_value(ChunkDecoder::Impl& im, const Doc& d, std::uint16_t index, int item,
                ValueStyle style, std::string& out);

/// emit_value without the recorder hook (replaying a program).
void render_value(ChunkDecoder::Impl& im, const Doc& d, std::uint16_t index, int item,
                  ValueStyle style, std::string& out);

/// Appends the text of a value piece (substitution), selecting array item `item`.
void append_subst_text(ChunkDecoder::Impl& im, const Doc& d, const Node& n, int item,
                       ValueStyle style, std::string& out);

/// Appends the text of one piece (text, CDATA, reference or substitution) `p`.
void append_piece(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t p, int item, ValueStyle style,
                  std::string& out);

/// Appends the text of the non-element pieces of a list of pieces starting at node `first`.
void append_pieces(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t first, int item,
                   ValueStyle style, std::string& out);

/// Writes the record prepared by Impl::prepare_docs from `p`: literals copied, values rendered.
Result<void> replay(ChunkDecoder::Impl& im, const Program& p, std::string& out);

/// Renders the prepared record into `out` as `o`: replays the program cached for its signature,
/// or calls `render()` (returning Result<void>) while a Recorder notes a program to cache.
template <class Render>
Result<void> render_cached(ChunkDecoder::Impl& im, Output o, std::string& out, Render&& render) {
  if (im.cacheable) {
    if (const Program* p = im.cache.find(o, im.signature)) return replay(im, *p, out);
  }
  Program program;
  Recorder recorder(out, program);
  if (im.cacheable) im.recorder = &recorder;
  auto res = render();
  im.recorder = nullptr;
  if (res && !im.budget.exceeded() && im.cacheable && recorder.finish(out)) {
    im.cache.insert(o, im.signature, std::move(program));
  }
  return res;
}

}  // namespace cmdsentry::evtx::detail
