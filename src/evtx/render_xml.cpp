// XML rendering as Windows' EvtRender/wevtutil writes it: single-quoted attributes, no whitespace
// between elements, empty elements as <X/>, GUIDs in braces, FILETIME with 7 fractional digits.
#include <string>

#include "core/utf.h"
#include "evtx/chunk_decoder.h"
#include "evtx/decoder_impl.h"
#include "evtx/render_common.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {
namespace {

using namespace detail;

class XmlRenderer {
 public:
  XmlRenderer(ChunkDecoder::Impl& im, std::string& out) : im_(im), out_(out) {}

  /// The record's root element (charged like every element, by the walk).
  Result<void> document(const Doc& d) {
    return each_rendering(im_, d, d.root, 1, [&](std::size_t) { return element(d, d.root, -1); });
  }

 private:
  /// Children of an element rendered for array item `item`: elements once per item of an array
  /// value in their content, elements whose dependency value is null left out.
  struct Children : ChildVisitor {
    Children(XmlRenderer& r, int item) : ChildVisitor(r.im_), r_(r), item_(item) {}
    Result<bool> take(const Doc& d, std::uint32_t c) {
      return !element_suppressed(im_, d, d.tree->nodes[c]);
    }
    Result<void> element(const Doc& d, std::uint32_t c, std::size_t rep, std::size_t reps) {
      return r_.element(d, c, reps > 1 ? static_cast<int>(rep) : item_);
    }
    Result<void> nested(const Doc& n, std::size_t, std::size_t) {
      return r_.element(n, n.root, -1);
    }
    void other(const Doc& d, std::uint32_t c) { r_.piece(d, c, item_); }
    XmlRenderer& r_;
    int item_;
  };

  /// Element `e` (already charged), for array item `item` (-1: arrays joined).
  Result<void> element(const Doc& d, std::uint32_t e, int item) {
    const Tree& t = *d.tree;
    const Node& n = t.nodes[e];
    out_ += '<';
    out_ += im_.strings.xml(n.name);
    for (std::uint32_t a = n.first_attr; a != kNoNode; a = t.nodes[a].next) {
      if (!attribute_present(im_, d, a)) continue;
      out_ += ' ';
      out_ += im_.strings.xml(t.nodes[a].name);
      out_ += "='";
      append_pieces(im_, d, t.nodes[a].first_child, -1, ValueStyle::kXmlAttr, out_);
      out_ += '\'';
    }
    const ContentShape s = classify(im_, d, e, item);
    if (!s.has_elements && !s.has_text) {
      out_ += "/>";
      return {};
    }
    out_ += '>';
    Children children(*this, item);
    if (auto r = walk_children(im_, d, e, children); !r) return r;
    out_ += "</";
    out_ += im_.strings.xml(n.name);
    out_ += '>';
    return {};
  }

  /// A child that is no element: a processing instruction or a piece of text.
  void piece(const Doc& d, std::uint32_t c, int item) {
    const Node& cn = d.tree->nodes[c];
    if (cn.kind == NodeKind::kPI) {
      out_ += "<?";
      out_ += im_.strings.xml(cn.name);
      out_ += ' ';
      out_ += im_.strings.raw(cn.text);
      out_ += "?>";
    } else {
      append_piece(im_, d, c, item, ValueStyle::kXml, out_);
    }
  }

  ChunkDecoder::Impl& im_;
  std::string& out_;
};

}  // namespace

Result<void> ChunkDecoder::render_xml(const Doc& d, std::string& out) {
  const std::size_t mark = out.size();
  Impl& im = *impl_;
  im.budget.start_record(&out);
  auto res = im.prepare_docs(d);
  if (res) {
    const Doc root = im.docs[0];
    res = render_cached(im, Output::kXml, out, [&] {
      XmlRenderer r(im, out);
      return r.document(root);
    });
  }
  if (auto within = im.budget.finish_record(im.record_offset); !within) res = within;
  if (!res) out.resize(mark);
  return res;
}

}  // namespace cmdsentry::evtx
