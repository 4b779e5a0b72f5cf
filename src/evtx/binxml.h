#pragma once
/// Binary XML as stored in EVTX, parsed into a small tree that is rendered many times.
///
/// Tokens (low nibble = kind, 0x40 = "more follows" / "has attributes"):
///   0x00 EOF                     0x01/0x41 OpenStartElement [u16 dep id in templates] u32 size,
///   0x02 CloseStartElement                 u32 name offset [inline Name], [u32 attr list size]
///   0x03 CloseEmptyElement       0x04 EndElement
///   0x05/0x45 Value: u8 type(=1), u16 count, UTF-16 chars
///   0x06/0x46 Attribute: u32 name offset [inline Name], then value tokens
///   0x07/0x47 CDATA: u16 count, chars        0x08/0x48 CharRef: u16 code point
///   0x09/0x49 EntityRef: u32 name offset     0x0A PITarget: u32 name offset; 0x0B PIData: text
///   0x0C TemplateInstance: u8, u32 id, u32 definition offset [inline definition], values
///   0x0D NormalSubstitution / 0x0E OptionalSubstitution: u16 index, u8 type
///   0x0F FragmentHeader: u8 major, u8 minor, u8 flags
/// Name (chunk-relative offset): u32 next, u16 hash, u16 count, chars, u16 NUL. A name (or a
/// template definition) is stored inline when its offset equals the position right after the
/// offset field; later uses point back at it.
///
/// A Tree holds the nodes of one template definition (or of a bare element fragment): elements
/// with attribute and child lists, text literals, substitution holes. A Doc pairs a tree with the
/// substitution values of one record. Trees are built once per chunk and cached by offset.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::evtx::detail {

enum Token : std::uint8_t {
  kTokEof = 0x00,
  kTokOpenStart = 0x01,
  kTokCloseStart = 0x02,
  kTokCloseEmpty = 0x03,
  kTokEnd = 0x04,
  kTokValue = 0x05,
  kTokAttribute = 0x06,
  kTokCData = 0x07,
  kTokCharRef = 0x08,
  kTokEntityRef = 0x09,
  kTokPITarget = 0x0A,
  kTokPIData = 0x0B,
  kTokTemplateInstance = 0x0C,
  kTokNormalSubst = 0x0D,
  kTokOptionalSubst = 0x0E,
  kTokFragmentHeader = 0x0F,
};
inline constexpr std::uint8_t kTokMore = 0x40;

/// Value types of substitutions.
enum ValueType : std::uint8_t {
  kNull = 0x00,
  kString = 0x01,
  kAnsiString = 0x02,
  kInt8 = 0x03,
  kUInt8 = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0A,
  kReal32 = 0x0B,
  kReal64 = 0x0C,
  kBool = 0x0D,
  kBinary = 0x0E,
  kGuid = 0x0F,
  kSizeT = 0x10,
  kFileTime = 0x11,
  kSysTime = 0x12,
  kSid = 0x13,
  kHexInt32 = 0x14,
  kHexInt64 = 0x15,
  kEvtHandle = 0x20,
  kBinXml = 0x21,
  kEvtXml = 0x23,
  kArrayFlag = 0x80,
};

inline constexpr std::uint32_t kNoNode = 0xFFFFFFFF;
inline constexpr std::uint16_t kNoDependency = 0xFFFF;

enum class NodeKind : std::uint8_t {
  kElement,
  kAttribute,
  kText,
  kSubstitution,
  kCharRef,
  kEntityRef,
  kCData,
  kPI,
};

/// Facts about an element computed once per template (finalize_tree), so rendering a record
/// only looks at values where the template has substitutions.
enum NodeFlag : std::uint8_t {
  kFlagIsData = 1,          ///< element named "Data"
  kFlagSubstContent = 2,    ///< direct content holds a substitution
  kFlagChildDeps = 4,       ///< a child element has a dependency id
  kFlagStaticElements = 8,  ///< has child elements (when no substitution decides)
  kFlagStaticText = 16,     ///< has non-empty literal text (when no substitution decides)
  kFlagStaticKeys = 32,     ///< JSON keys of the children are literal and distinct
  kFlagUnnamedData = 64,    ///< element is "Data" without a Name attribute
};

/// One node. Lists (attributes, children) are singly linked through `next`.
struct Node {
  NodeKind kind = NodeKind::kText;
  std::uint8_t value_type = 0;               ///< substitution: type declared in the template
  bool optional = false;                     ///< substitution: 0x0E
  std::uint16_t index = 0;                   ///< substitution index; char ref code point
  std::uint16_t dependency = kNoDependency;  ///< element: dependency id
  std::uint32_t name = 0;                    ///< string id: element/attribute/entity/PI target name
  std::uint32_t text = 0;                    ///< string id: text/CDATA/PI data
  std::uint32_t first_attr = kNoNode;
  std::uint32_t first_child = kNoNode;
  std::uint32_t next = kNoNode;
  std::uint32_t name_attr = kNoNode;  ///< element "Data": its Name attribute
  std::uint8_t flags = 0;             ///< NodeFlag bits (elements)
  /// Element: nodes in its attribute, attribute value and child lists, i.e. the work of one
  /// rendering of it, before its values (counted against the render budget per visit).
  std::uint32_t width = 0;
};

/// Strings of the decoder, each kept raw and JSON-escaped. The bytes live in fixed blocks, so
/// views stay valid while nested fragments add strings during rendering.
///
/// Two parts: names and template text, kept as long as the template definitions that name them
/// (template_cache.h), and scratch text, the text of one record's bare-element fragments
/// (CAPI2 logs carry kilobytes of it per record), dropped with the record. Before the split
/// every record's text stayed until the kept part passed its cap, which then cleared the kept
/// templates too, and each thread held the cap in text. Scratch ids have kScratchBit set.
class StringTable {
 public:
  static constexpr std::uint32_t kScratchBit = 0x80000000u;
  /// Adds a string to the kept part.
  std::uint32_t add(std::string_view utf8) { return add_to(kept_, utf8, false); }
  /// Adds a name (element, attribute, entity, PI target) to the kept part, with its XML form.
  std::uint32_t add_name(std::string_view utf8) { return add_to(kept_, utf8, true); }
  /// Adds a string that lives until clear_scratch().
  std::uint32_t add_scratch(std::string_view utf8) {
    return add_to(scratch_, utf8, false) | kScratchBit;
  }
  [[nodiscard]] std::string_view raw(std::uint32_t id) const {
    return (id & kScratchBit) == 0 ? kept_.raw[id] : scratch_.raw[id & ~kScratchBit];
  }
  [[nodiscard]] std::string_view json(std::uint32_t id) const {
    return (id & kScratchBit) == 0 ? kept_.json[id] : scratch_.json[id & ~kScratchBit];
  }
  /// A name escaped for XML (as an attribute value: names never hold markup, but the bytes
  /// come from the log). Only for ids from add_name(); others give the raw text.
  [[nodiscard]] std::string_view xml(std::uint32_t id) const {
    return (id & kScratchBit) == 0 ? kept_.xml[id] : scratch_.xml[id & ~kScratchBit];
  }
  /// Whether the raw text needs no XML escape (text or attribute value): written as it is.
  [[nodiscard]] bool xml_plain(std::uint32_t id) const {
    return ((id & kScratchBit) == 0 ? kept_.xml_plain[id]
                                    : scratch_.xml_plain[id & ~kScratchBit]) != 0;
  }
  void clear() {
    kept_.clear();
    scratch_.clear();
  }
  void clear_scratch() { scratch_.clear(); }
  /// Bytes of kept text held (the kept part lives across chunks while templates are kept).
  [[nodiscard]] std::size_t bytes() const {
    return kept_.stored + 3 * sizeof(std::string_view) * kept_.raw.size();
  }

 private:
  struct Part {
    std::vector<std::string_view> raw, json, xml;
    std::vector<std::uint8_t> xml_plain;  ///< per string: kXmlPlain of plain_for (core/utf.h)
    std::vector<std::unique_ptr<char[]>> blocks;
    std::vector<std::size_t> block_sizes;
    std::size_t block = 0, used = 0, stored = 0;
    std::string_view store(std::string_view s);
    void clear() {
      raw.clear();
      json.clear();
      xml.clear();
      xml_plain.clear();
      used = 0;
      block = 0;
      stored = 0;
    }
  };
  std::uint32_t add_to(Part& p, std::string_view utf8, bool name);
  Part kept_, scratch_;
  std::string escape_scratch_;
};

/// Where a template keeps the values a filter looks at.
struct FilterSlots {
  std::int32_t event_id_subst = -1;    ///< substitution index of System/EventID text, or -1
  std::int32_t channel_subst = -1;     ///< substitution index of System/Channel text, or -1
  std::int64_t event_id_literal = -1;  ///< EventID written as literal text in the template
  std::int32_t channel_literal = -1;   ///< string id of a literal Channel text
};

struct Tree;
/// Computes the NodeFlag bits, Data name attributes and widths of every element of `t`.
void finalize_tree(Tree& t, const StringTable& strings);

/// Nodes of one template definition or fragment.
struct Tree {
  std::vector<Node> nodes;
  std::uint32_t root = kNoNode;  ///< the top element
  FilterSlots slots;
  std::uint32_t structure_id = 0;  ///< interned shape (templates only; 0 = not cacheable)
  bool is_template = false;        ///< a cached template definition (not a one-record fragment)
  bool shape_known = false;        ///< structure_id computed (lazily: filters never need it)
  void clear() {
    nodes.clear();
    root = kNoNode;
    slots = {};
    structure_id = 0;
    is_template = false;
    shape_known = false;
  }
};

}  // namespace cmdsentry::evtx::detail
