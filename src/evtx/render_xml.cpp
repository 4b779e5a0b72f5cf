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

  Result<void> element(const Doc& d, std::uint32_t e, int item, int depth) {
    if (!visit(im_, d, e)) return over_budget();
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
    for (std::uint32_t c = n.first_child; c != kNoNode; c = t.nodes[c].next) {
      const Node& cn = t.nodes[c];
      if (cn.kind == NodeKind::kElement) {
        if (element_suppressed(im_, d, cn)) continue;
        const std::size_t reps = repeat_count(im_, d, c);
        for (std::size_t i = 0; i < reps; ++i) {
          if (auto r = element(d, c, reps > 1 ? static_cast<int>(i) : item, depth + 1); !r) {
            return r;
          }
        }
      } else if (cn.kind == NodeKind::kSubstitution && im_.value(d, cn.index).type == kBinXml) {
        auto nested = im_.nested_doc(d, cn.index);
        if (!nested) return tl::unexpected(nested.error());
        if (nested->root == kNoNode) continue;
        if (auto r = element(*nested, nested->root, -1, depth + 1); !r) return r;
      } else if (cn.kind == NodeKind::kPI) {
        out_ += "<?";
        out_ += im_.strings.xml(cn.name);
        out_ += ' ';
        out_ += im_.strings.raw(cn.text);
        out_ += "?>";
      } else {
        append_piece(im_, d, c, item, ValueStyle::kXml, out_);
      }
    }
    out_ += "</";
    out_ += im_.strings.xml(n.name);
    out_ += '>';
    return {};
  }

 private:
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
      return r.element(root, root.root, -1, 0);
    });
  }
  if (auto within = im.budget.finish_record(im.record_offset); !within) res = within;
  if (!res) out.resize(mark);
  return res;
}

}  // namespace cmdsentry::evtx
