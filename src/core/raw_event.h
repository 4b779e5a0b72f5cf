#pragma once
/// RawEvent: one Windows event as any source delivers it (EVTX, JSON, XML), before normalisation.
/// It owns its strings: it outlives the chunk or line it came from.
///
/// Why one text buffer: a process-creation record has ~15 fields plus provider, channel and
/// computer. Stored as separate std::strings that is ~20 allocations per event, more than the
/// JSON parse itself costs. Here every string lives in `text_` and is addressed by offset, so an
/// event costs two allocations (text and field index), copies and moves are plain member-wise
/// (offsets, not pointers, survive both), and a reused event (`clear()`) allocates nothing.
/// Views handed out (`channel()`, `fields()`, `field()`) stay valid until the event is modified.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/known_fields.h"
#include "core/text_buffer.h"

namespace cmdsentry {

/// The name of a file events were read from, interned: all events of a file share one string
/// that lives until the process ends. Events are copied as evidence by the million; a path per
/// event was one allocation per copy. Interning takes a lock: make one SourceName per file and
/// assign that to each event, not the std::string.
class SourceName {
 public:
  SourceName() = default;
  SourceName(std::string_view name);  // NOLINT(google-explicit-constructor): a name is a name
  SourceName(const char* name) : SourceName(std::string_view(name)) {}         // NOLINT
  SourceName(const std::string& name) : SourceName(std::string_view(name)) {}  // NOLINT

  [[nodiscard]] const std::string& str() const { return name_ != nullptr ? *name_ : no_name(); }
  operator const std::string&() const { return str(); }  // NOLINT
  operator std::string_view() const { return str(); }    // NOLINT
  [[nodiscard]] bool empty() const { return str().empty(); }
  [[nodiscard]] const char* c_str() const { return str().c_str(); }
  void clear() { name_ = nullptr; }
  friend bool operator==(const SourceName& a, std::string_view b) { return a.str() == b; }
  friend std::ostream& operator<<(std::ostream& os, const SourceName& n) { return os << n.str(); }

 private:
  static const std::string& no_name();
  const std::string* name_ = nullptr;
};

/// Where an event came from, so every finding can point back at its evidence.
///
/// `record_id` is the event's identity: System/EventRecordID, what Event Viewer, evtx_dump,
/// Hayabusa and Chainsaw show, and what copies of one record share across an EVTX file and its
/// exports. The other members are positions in this file only. An EVTX record's header number
/// (`record_number`) is not its identity: logs saved from a filtered view renumber it from 1.
struct SourceRef {
  SourceName file;  ///< path as given on the command line (or archive!member)
  /// System/EventRecordID; 0 when the event has none. EVTX: the record header's number when
  /// the BinXml's EventRecordID is absent, empty, not a number or 0.
  std::uint64_t record_id = 0;
  std::uint64_t line = 0;    ///< 1-based line (JSONL) or element index (XML/JSON array); 0 for EVTX
  std::uint64_t offset = 0;  ///< byte offset of the record/line in the file
  std::uint64_t record_number = 0;  ///< EVTX: the record header's number; 0 for other formats
  std::int32_t chunk = -1;          ///< EVTX: 0-based chunk index; -1 for other formats
  bool carved = false;              ///< recovered from unused space, not from the live record walk
  /// Carved from the slack inside a larger record (a record deleted by enlarging its neighbour,
  /// as DanderSpritz eventlogedit does); `carved` is set too.
  bool hidden = false;

  /// True for an EVTX record (chunk, record_number and offset are set).
  [[nodiscard]] bool has_evtx_position() const { return chunk >= 0; }
};

/// A fixed set of known field names (core/known_fields.h), for RawEvent::find_exact: a
/// normalizer looks up ~15 names per record, each an array read in the event's index. A name
/// missing from kKnownFieldNames does not compile.
template <std::size_t N>
class FieldNameSet {
 public:
  static_assert(N > 0 && N <= 32, "at most 32 names");
  consteval explicit FieldNameSet(const std::array<std::string_view, N>& names) : names_(names) {
    for (std::size_t i = 0; i < N; ++i) {
      ids_[i] = known_field_id(names[i]);
      if (ids_[i] == 0) throw "FieldNameSet: add the name to kKnownFieldNames";
    }
  }
  [[nodiscard]] constexpr std::string_view operator[](std::size_t i) const { return names_[i]; }
  [[nodiscard]] constexpr std::uint8_t id(std::size_t i) const { return ids_[i]; }

 private:
  std::array<std::string_view, N> names_{};
  std::array<std::uint8_t, N> ids_{};
};

/// Values found for a FieldNameSet: `[i]` is the value of name i ("" when absent), `has(i)`
/// tells an absent field from an empty one.
template <std::size_t N>
struct FieldValues {
  std::array<std::string_view, N> values{};
  std::uint32_t found = 0;
  [[nodiscard]] std::string_view operator[](std::size_t i) const { return values[i]; }
  [[nodiscard]] bool has(std::size_t i) const { return (found >> i) & 1U; }
};

/// One EventData/UserData field, viewed in the RawEvent that holds it.
struct RawField {
  std::string_view name;
  std::string_view value;
};

/// The <System> block plus the event's data fields, as text.
class RawEvent {
 public:
  std::uint32_t event_id = 0;
  std::uint16_t version = 0;
  std::uint8_t level = 0;
  std::uint16_t task = 0;
  std::uint8_t opcode = 0;
  std::uint64_t keywords = 0;
  std::uint64_t time_created = 0;  ///< FILETIME ticks, UTC; 0 when unknown
  std::uint64_t record_id = 0;     ///< System/EventRecordID, as SourceRef::record_id
  std::uint32_t process_id = 0;
  std::uint32_t thread_id = 0;
  SourceRef source;

  /// System/Provider/@Name, System/Channel, System/Computer, System/Security/@UserID.
  [[nodiscard]] std::string_view provider() const { return view(provider_); }
  [[nodiscard]] std::string_view channel() const { return view(channel_); }
  [[nodiscard]] std::string_view computer() const { return view(computer_); }
  [[nodiscard]] std::string_view user_sid() const { return view(user_sid_); }
  void set_provider(std::string_view v) { provider_ = store(v); }
  void set_channel(std::string_view v) { channel_ = store(v); }
  void set_computer(std::string_view v) { computer_ = store(v); }
  void set_user_sid(std::string_view v) { user_sid_ = store(v); }

  /// EventData/UserData fields in document order. Unnamed Data elements get names "Data",
  /// "Data_1", ... like evtx_dump.
  class FieldList;
  [[nodiscard]] FieldList fields() const;
  [[nodiscard]] std::size_t field_count() const { return fields_.size(); }
  /// Appends a field (copied into the event; a view into this event's own text is not copied).
  void add_field(std::string_view name, std::string_view value) {
    add_field(known_field_id(name), name, value);
  }
  /// The same when the caller knows the name's id (known_field_id(name), e.g. FieldNameSet::id).
  void add_field(std::uint8_t id, std::string_view name, std::string_view value) {
    note_known(id);
    if (text_.owns(name.data()) || text_.owns(value.data())) [[unlikely]] {
      const Span n = store(name);
      const Span v = store(value);
      fields_.push_back({n, v});
      return;
    }
    // The common case in one step: both copied, one capacity check.
    const std::uint32_t at = text_.append2(name, value);
    fields_.push_back(
        {{at, static_cast<std::uint32_t>(name.size())},
         {static_cast<std::uint32_t>(at + name.size()), static_cast<std::uint32_t>(value.size())}});
  }

  /// Bytes this event holds (the object, its text and its field table), for memory budgets.
  [[nodiscard]] std::size_t footprint() const {
    return sizeof(RawEvent) + text_.size() + fields_.capacity() * sizeof(fields_[0]);
  }

  /// Value of a data field (exact name match first, then ASCII case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const {
    if (auto v = find_exact(name)) return v;
    for (const auto& [k, v] : fields_) {
      if (k.size != name.size()) continue;
      const char* p = text_.data() + k.offset;
      bool eq = true;
      for (std::size_t i = 0; i < name.size() && eq; ++i) eq = (p[i] | 0x20) == (name[i] | 0x20);
      if (eq) return view(v);
    }
    return std::nullopt;
  }
  /// Value of a data field by exact name (the first such field), or nullopt.
  [[nodiscard]] std::optional<std::string_view> find_exact(std::string_view name) const {
    if (const std::uint8_t id = known_field_id(name); id != 0 && known_[id] != kBeyond) {
      if (known_[id] == 0) return std::nullopt;
      return view(fields_[known_[id] - 1].second);
    }
    return scan_exact(name);
  }

  /// Values of the fields named in `names` (first exact match of each).
  template <std::size_t N>
  [[nodiscard]] FieldValues<N> find_exact(const FieldNameSet<N>& names) const {
    FieldValues<N> out;
    // Unrolled: N is small and every step is an array read.
    [&]<std::size_t... I>(std::index_sequence<I...>) { (find_into(names, I, out), ...); }
    (std::make_index_sequence<N>{});
    return out;
  }

  /// Same System values, strings and fields (names and values, in order); the SourceRef is not
  /// compared. Two readers of one record must agree on this.
  [[nodiscard]] bool same_content(const RawEvent& o) const {
    if (event_id != o.event_id || version != o.version || level != o.level || task != o.task ||
        opcode != o.opcode || keywords != o.keywords || time_created != o.time_created ||
        record_id != o.record_id || process_id != o.process_id || thread_id != o.thread_id ||
        provider() != o.provider() || channel() != o.channel() || computer() != o.computer() ||
        user_sid() != o.user_sid() || fields_.size() != o.fields_.size()) {
      return false;
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (view(fields_[i].first) != o.view(o.fields_[i].first) ||
          view(fields_[i].second) != o.view(o.fields_[i].second)) {
        return false;
      }
    }
    return true;
  }

  /// Empties the event but keeps its buffers (a reader reuses one event per record).
  void clear() {
    event_id = 0;
    version = 0;
    level = 0;
    task = 0;
    opcode = 0;
    keywords = 0;
    time_created = 0;
    record_id = 0;
    process_id = 0;
    thread_id = 0;
    source.record_id = 0;
    source.line = 0;
    source.offset = 0;
    source.record_number = 0;
    source.chunk = -1;
    source.carved = false;
    source.hidden = false;
    source.file.clear();
    text_.clear();
    fields_.clear();
    known_.fill(0);
    provider_ = channel_ = computer_ = user_sid_ = Span{};
  }
  /// Room for `text_bytes` of strings and `fields` fields without reallocating.
  void reserve(std::size_t text_bytes, std::size_t fields) {
    text_.reserve(text_bytes);
    fields_.reserve(fields);
  }

 private:
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };

  using Text = TextBuffer;

  // known_[id]: 1 + index of the first field named kKnownFieldNames[id - 1]; 0 when there is
  // none; kBeyond when that field's index does not fit a byte (then the fields are scanned).
  static constexpr std::uint8_t kBeyond = 0xFF;
  void note_known(std::uint8_t id) {
    if (id == 0 || known_[id] != 0) return;
    known_[id] =
        fields_.size() < kBeyond - 1 ? static_cast<std::uint8_t>(fields_.size() + 1) : kBeyond;
  }
  template <std::size_t N>
  [[gnu::always_inline]] void find_into(const FieldNameSet<N>& names, std::size_t i,
                                        FieldValues<N>& out) const {
    const std::uint8_t at = known_[names.id(i)];
    if (at == 0) return;
    if (at != kBeyond) [[likely]] {
      const Span v = fields_[at - 1].second;
      out.values[i] = std::string_view(text_.data() + v.offset, v.size);
    } else if (auto v = scan_exact(names[i])) {
      out.values[i] = *v;
    } else {
      return;
    }
    out.found |= 1U << i;
  }
  [[nodiscard]] std::optional<std::string_view> scan_exact(std::string_view name) const {
    for (const auto& [k, v] : fields_) {
      if (k.size == name.size() && same_bytes(text_.data() + k.offset, name.data(), name.size())) {
        return view(v);
      }
    }
    return std::nullopt;
  }

  [[nodiscard]] std::string_view view(Span s) const {
    return s.size == 0 ? std::string_view{} : std::string_view{text_.data() + s.offset, s.size};
  }
  Span store(std::string_view s) {
    // A view into our own text (a field copied under another name) is referenced, not copied:
    // appending it could also move the bytes it points at.
    if (text_.owns(s.data())) {
      return {static_cast<std::uint32_t>(s.data() - text_.data()),
              static_cast<std::uint32_t>(s.size())};
    }
    const std::uint32_t at = text_.append(s);
    return {at, static_cast<std::uint32_t>(s.size())};
  }

  Text text_;
  std::vector<std::pair<Span, Span>> fields_;
  std::array<std::uint8_t, kKnownFieldCount + 1> known_{};
  Span provider_, channel_, computer_, user_sid_;
};

/// A random-access view of an event's fields, yielding RawField values.
class RawEvent::FieldList {
 public:
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = RawField;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RawField;
    iterator() = default;
    iterator(const RawEvent* e, std::size_t i) : e_(e), i_(i) {}
    RawField operator*() const { return e_->fields()[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      ++i_;
      return t;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }
    difference_type operator-(const iterator& o) const {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }

   private:
    const RawEvent* e_ = nullptr;
    std::size_t i_ = 0;
  };

  explicit FieldList(const RawEvent& e) : e_(&e) {}
  [[nodiscard]] std::size_t size() const { return e_->fields_.size(); }
  [[nodiscard]] bool empty() const { return e_->fields_.empty(); }
  [[nodiscard]] RawField operator[](std::size_t i) const {
    const auto& [k, v] = e_->fields_[i];
    return {e_->view(k), e_->view(v)};
  }
  [[nodiscard]] RawField front() const { return (*this)[0]; }
  [[nodiscard]] RawField back() const { return (*this)[size() - 1]; }
  [[nodiscard]] iterator begin() const { return {e_, 0}; }
  [[nodiscard]] iterator end() const { return {e_, size()}; }

 private:
  const RawEvent* e_;
};

inline RawEvent::FieldList RawEvent::fields() const { return FieldList(*this); }

}  // namespace cmdsentry
