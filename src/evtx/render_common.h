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

/// What a walk returns when the render budget said stop; the public entry points replace it by
/// the budget's own message (RenderBudget::finish_record).
Result<void> over_budget();

// ---- The walk over elements ---------------------------------------------------------------
//
// Extraction and both renderers go through an element's children the same way: element
// children (each rendered once, or once per item of an array value in its content) and the
// roots of nested BinXml values (Security and Sysmon templates hold EventData in one), everything
// else being text. The walk lives here, once, and so does the charge against the render budget
// (the guard against hostile records, see RenderBudget): every rendering of an element or a
// nested root costs 1 + its width in nodes, plus the output written so far, before the
// visitor writes it. A visitor cannot forget the charge, nor charge twice.

/// Charges `n` renderings of element `e` of `d`, calling `render(rep)` (Result<void>) after each
/// charge; stops at the first failure, or with over_budget() once a cap is passed.
template <class Render>
Result<void> each_rendering(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e, std::size_t n,
                            Render&& render) {
  const std::size_t cost = 1 + static_cast<std::size_t>(d.tree->nodes[e].width);
  for (std::size_t rep = 0; rep < n; ++rep) {
    if (!im.budget.spend(0, cost)) return over_budget();
    if (auto r = render(rep); !r) return r;
  }
  return {};
}

/// Defaults of a walk_children() visitor, which hides what it does differently:
///  - `Result<bool> take(d, c)`: whether element child `c` is walked (false: left out, not
///    charged; an error stops the walk);
///  - `renderings(d, c)`: how many times element child `c` is rendered;
///  - `nested_renderings(n)`: how many times the root of nested document `n` is rendered;
///  - `other(d, c)`: a child that is no element (text, reference, PI, non-BinXml value).
/// It must also have `Result<void> element(d, c, rep, reps)` (rendering `rep` of `reps` of
/// element child `c`) and `Result<void> nested(n, rep, reps)` (of the root of nested document
/// `n`).
struct ChildVisitor {
  explicit ChildVisitor(ChunkDecoder::Impl& im) : im_(im) {}
  Result<bool> take(const Doc&, std::uint32_t) { return true; }
  std::size_t renderings(const Doc& d, std::uint32_t c) { return repeat_count(im_, d, c); }
  std::size_t nested_renderings(const Doc&) { return 1; }
  void other(const Doc&, std::uint32_t) {}

 protected:
  ChunkDecoder::Impl& im_;
};

/// Walks the children of element `e` of `d` in order for visitor `v` (see ChildVisitor).
template <class Visitor>
Result<void> walk_children(ChunkDecoder::Impl& im, const Doc& d, std::uint32_t e, Visitor& v) {
  const Tree& t = *d.tree;
  for (std::uint32_t c = t.nodes[e].first_child; c != kNoNode; c = t.nodes[c].next) {
    const Node& n = t.nodes[c];
    if (n.kind == NodeKind::kElement) {
      auto take = v.take(d, c);
      if (!take) return tl::unexpected(take.error());
      if (!*take) continue;
      const std::size_t reps = v.renderings(d, c);
      auto r = each_rendering(im, d, c, reps,
                              [&](std::size_t rep) { return v.element(d, c, rep, reps); });
      if (!r) return r;
    } else if (n.kind == NodeKind::kSubstitution && im.value(d, n.index).type == kBinXml) {
      auto nested = im.nested_doc(d, n.index);
      if (!nested) return tl::unexpected(nested.error());
      if (nested->root == kNoNode) continue;
      const Doc& nd = *nested;
      const std::size_t reps = v.nested_renderings(nd);
      auto r = each_rendering(im, nd, nd.root, reps,
                              [&](std::size_t rep) { return v.nested(nd, rep, reps); });
      if (!r) return r;
    } else {
      v.other(d, c);
    }
  }
  return {};
}

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
    if (const Program* p = im.cache.find(o, im.record_signature())) return replay(im, *p, out);
  }
  Program program;
  Recorder recorder(out, program);
  if (im.cacheable) im.recorder = &recorder;
  auto res = render();
  im.recorder = nullptr;
  if (res && !im.budget.exceeded() && im.cacheable && recorder.finish(out)) {
    im.cache.insert(o, im.record_signature(), std::move(program));
  }
  return res;
}

}  // namespace cmdsentry::evtx::detail
