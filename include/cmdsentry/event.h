#pragma once
/// Normalized events: what every source (EVTX, JSON dialects, XML exports) turns into once the
/// event-specific field names are gone. A ProcessEvent is one process execution, whichever log
/// recorded it (Security 4688, Sysmon 1, AppLocker 8002/8003/8004) and however many copies of it
/// were read; the other event kinds are kept for correlation but are not executions.
///
/// Everything here owns its data. The raw field maps stay reachable (`evidence`) so later stages
/// (Sigma field matching, reports) can see the original names and values.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/raw_event.h"

namespace cmdsentry {

/// A part of an event that most events lack (Sysmon hashes, AppLocker data, a helper child),
/// kept on the heap so that every event does not carry its room: a ProcessEvent is moved and
/// stored by the million. Reading an absent part sees an empty T; writing goes through edit().
template <class T>
class OptionalPart {
 public:
  OptionalPart() = default;
  OptionalPart(const OptionalPart& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  OptionalPart(OptionalPart&&) noexcept = default;
  OptionalPart& operator=(const OptionalPart& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  OptionalPart& operator=(OptionalPart&&) noexcept = default;
  ~OptionalPart() = default;

  [[nodiscard]] bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  [[nodiscard]] const T& operator*() const { return p_ ? *p_ : empty(); }
  [[nodiscard]] const T* operator->() const { return &**this; }
  /// The part for writing, created empty when absent.
  T& edit() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  void reset() { p_.reset(); }

 private:
  static const T& empty() {
    static const T kEmpty{};
    return kEmpty;
  }
  std::unique_ptr<T> p_;
};

/// Which log produced a piece of evidence. Used as bit flags in ProcessEvent::kinds.
enum class EvidenceKind : std::uint8_t {
  kSecurity4688 = 1,
  kSysmon1 = 2,
  kAppLocker = 4,
};

/// Mandatory integrity level of a process (4688 MandatoryLabel SID, Sysmon IntegrityLevel text).
enum class Integrity : std::uint8_t {
  kUnknown,
  kUntrusted,
  kLow,
  kMedium,
  kMediumPlus,
  kHigh,
  kSystem,
  kProtected,
};

/// AppLocker's verdict: 8002 allowed, 8003 allowed but would be blocked (audit), 8004 blocked.
enum class AppLockerDecision : std::uint8_t { kNone, kAllowed, kAudited, kBlocked };

/// File hashes as Sysmon reports them (upper-case hex; empty when not logged).
struct FileHashes {
  std::string md5;
  std::string sha1;
  std::string sha256;
  std::string imphash;
};

/// AppLocker's view of an execution (from the RuleAndFileData user data).
struct AppLockerInfo {
  AppLockerDecision decision = AppLockerDecision::kNone;
  std::string policy;     ///< rule collection: EXE, DLL, MSI, SCRIPT
  std::string rule_id;    ///< matching rule GUID (all zero when no rule matched)
  std::string rule_name;  ///< "-" when none
  std::string rule_sddl;
  std::string file_path;  ///< AppLocker's upper-cased path with %SYSTEM32%-style variables
  std::string file_hash;  ///< AppLocker SHA-256 (not comparable with Sysmon's flat SHA256)
  std::string fqbn;       ///< publisher\product\binary\version, "-" when unsigned
};

/// The raw records behind an event, first one first. Nearly every event has exactly one: it is
/// held inline and the others (merged copies) go to a vector made only when needed, which saves
/// an allocation per event over a plain vector. A null record is not stored.
class EvidenceList {
 public:
  using value_type = std::shared_ptr<const RawEvent>;

  EvidenceList() = default;
  EvidenceList(const EvidenceList& o)
      : first_(o.first_),
        rest_(o.rest_ ? std::make_unique<std::vector<value_type>>(*o.rest_) : nullptr) {}
  EvidenceList(EvidenceList&&) noexcept = default;
  EvidenceList& operator=(const EvidenceList& o) {
    if (this != &o) *this = EvidenceList(o);
    return *this;
  }
  EvidenceList& operator=(EvidenceList&&) noexcept = default;
  ~EvidenceList() = default;

  void push_back(value_type record) {
    if (!record) return;
    if (!first_) {
      first_ = std::move(record);
      return;
    }
    if (!rest_) rest_ = std::make_unique<std::vector<value_type>>();
    rest_->push_back(std::move(record));
  }
  [[nodiscard]] std::size_t size() const { return first_ ? 1 + (rest_ ? rest_->size() : 0) : 0; }
  [[nodiscard]] bool empty() const { return !first_; }
  [[nodiscard]] value_type& operator[](std::size_t i) { return i == 0 ? first_ : (*rest_)[i - 1]; }
  [[nodiscard]] const value_type& operator[](std::size_t i) const {
    return i == 0 ? first_ : (*rest_)[i - 1];
  }
  [[nodiscard]] const value_type& front() const { return first_; }

  template <class List, class Ref>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = EvidenceList::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Ref;
    Iterator() = default;
    Iterator(List* list, std::size_t i) : list_(list), i_(i) {}
    Ref operator*() const { return (*list_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator t = *this;
      ++i_;
      return t;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    List* list_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = Iterator<EvidenceList, value_type&>;
  using const_iterator = Iterator<const EvidenceList, const value_type&>;
  [[nodiscard]] iterator begin() { return {this, 0}; }
  [[nodiscard]] iterator end() { return {this, size()}; }
  [[nodiscard]] const_iterator begin() const { return {this, 0}; }
  [[nodiscard]] const_iterator end() const { return {this, size()}; }

 private:
  value_type first_;
  std::unique_ptr<std::vector<value_type>> rest_;
};

/// The helper process a command re-launches with the same arguments (net.exe -> net1.exe). It is
/// kept on its parent's ProcessEvent so one operator action counts once.
struct HelperChild {
  std::uint32_t pid = 0;
  std::string image;
  std::string command_line;
  SourceRef source;
  EvidenceList evidence;  ///< the helper's own records
};

/// One process execution on one host.
///
/// The text fields live in one buffer addressed by offsets, like RawEvent's: an execution is
/// built, merged and stored by the million, and twelve std::strings made that ~20 allocations
/// and a 1 KB object per event. Read them with `image()`, write with `set_image()`; a view
/// stays valid until the event is modified (moves and copies keep offsets, not pointers).
struct ProcessEvent {
  /// The text fields, for code that handles them generically (merging, JSON).
  enum class Text : std::uint8_t {
    kHost,
    kUserSid,
    kUserDomain,
    kUserName,
    kImage,
    kCommandLine,
    kParentImage,
    kParentCommandLine,
    kProcessGuid,
    kParentProcessGuid,
    kOriginalFileName,
    kCurrentDirectory,
    kCount
  };

  std::uint64_t time = 0;      ///< creation time, FILETIME ticks UTC
  std::uint64_t logon_id = 0;  ///< logon session (correlates with 4624's TargetLogonId)
  std::uint32_t pid = 0;       ///< 0: not recorded (no created process has PID 0)
  std::optional<std::uint32_t> parent_pid;
  bool command_line_logged = true;  ///< false: 4688 with command-line auditing off
  Integrity integrity = Integrity::kUnknown;
  std::uint8_t kinds = 0;  ///< EvidenceKind bits of every record merged into this event
  /// Sysmon 1 only: the record's time minus UtcTime, in FILETIME ticks, when the two disagree by
  /// more than a logging delay (a clock offset: NXLog local times, a mis-set time zone); `time`
  /// is then the record's time, so the event merges with the host's other logs. 0 otherwise.
  std::int64_t clock_offset = 0;
  OptionalPart<FileHashes> hashes;        ///< Sysmon only
  OptionalPart<AppLockerInfo> applocker;  ///< AppLocker records only
  OptionalPart<HelperChild> helper;       ///< net1.exe launched by this net.exe with the same args
  /// Every record that describes this execution (first one first); carries SourceRef and the
  /// original field map for Sigma-style matching.
  EvidenceList evidence;

  /// Computer as logged (FQDN or NetBIOS)
  [[nodiscard]] std::string_view host() const { return text(Text::kHost); }
  void set_host(std::string_view v) { set_text(Text::kHost, v); }
  [[nodiscard]] std::string_view user_sid() const { return text(Text::kUserSid); }
  void set_user_sid(std::string_view v) { set_text(Text::kUserSid, v); }
  [[nodiscard]] std::string_view user_domain() const { return text(Text::kUserDomain); }
  void set_user_domain(std::string_view v) { set_text(Text::kUserDomain, v); }
  [[nodiscard]] std::string_view user_name() const { return text(Text::kUserName); }
  void set_user_name(std::string_view v) { set_text(Text::kUserName, v); }
  /// full path of the executable
  [[nodiscard]] std::string_view image() const { return text(Text::kImage); }
  void set_image(std::string_view v) { set_text(Text::kImage, v); }
  /// empty when not logged (see command_line_logged)
  [[nodiscard]] std::string_view command_line() const { return text(Text::kCommandLine); }
  void set_command_line(std::string_view v) { set_text(Text::kCommandLine, v); }
  [[nodiscard]] std::string_view parent_image() const { return text(Text::kParentImage); }
  void set_parent_image(std::string_view v) { set_text(Text::kParentImage, v); }
  [[nodiscard]] std::string_view parent_command_line() const {
    return text(Text::kParentCommandLine);
  }
  void set_parent_command_line(std::string_view v) { set_text(Text::kParentCommandLine, v); }
  /// Sysmon ProcessGuid, "{lower-case}"
  [[nodiscard]] std::string_view process_guid() const { return text(Text::kProcessGuid); }
  void set_process_guid(std::string_view v) { set_text(Text::kProcessGuid, v); }
  [[nodiscard]] std::string_view parent_process_guid() const {
    return text(Text::kParentProcessGuid);
  }
  void set_parent_process_guid(std::string_view v) { set_text(Text::kParentProcessGuid, v); }
  /// Sysmon OriginalFileName (catches renamed copies)
  [[nodiscard]] std::string_view original_file_name() const {
    return text(Text::kOriginalFileName);
  }
  void set_original_file_name(std::string_view v) { set_text(Text::kOriginalFileName, v); }
  [[nodiscard]] std::string_view current_directory() const { return text(Text::kCurrentDirectory); }
  void set_current_directory(std::string_view v) { set_text(Text::kCurrentDirectory, v); }

  [[nodiscard]] std::string_view text(Text field) const {
    const Span s = spans_[static_cast<std::size_t>(field)];
    if (s.size == 0) return {};
    return {text_.data() + s.offset, s.size};
  }
  /// Sets a text field (a view into this event's own text is referenced, not copied).
  void set_text(Text field, std::string_view v) {
    Span& s = spans_[static_cast<std::size_t>(field)];
    if (text_.owns(v.data())) {
      s = {static_cast<std::uint32_t>(v.data() - text_.data()),
           static_cast<std::uint32_t>(v.size())};
      return;
    }
    s = {text_.append(v), static_cast<std::uint32_t>(v.size())};
  }
  /// Room for `bytes` of text without reallocating (set the fields of a new event in one go).
  void reserve_text(std::size_t bytes) { text_.reserve(bytes); }

  [[nodiscard]] bool has(EvidenceKind k) const {
    return (kinds & static_cast<std::uint8_t>(k)) != 0;
  }
  /// Where the first record of this execution came from.
  [[nodiscard]] const SourceRef* source() const {
    return evidence.empty() ? nullptr : &evidence.front()->source;
  }

 private:
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };
  TextBuffer text_;
  std::array<Span, static_cast<std::size_t>(Text::kCount)> spans_{};
};

/// Security 4624 (successful logon): the session later executions refer to by logon id.
struct LogonEvent {
  std::uint64_t time = 0;
  std::string host;
  std::string user_sid;
  std::string user_domain;
  std::string user_name;
  std::uint64_t logon_id = 0;
  std::uint32_t logon_type = 0;  ///< 2 interactive, 3 network, 10 remote interactive, ...
  std::string source_address;    ///< IpAddress, "-" when local
  std::string workstation;
  std::string logon_process;
  std::string authentication_package;
  std::shared_ptr<const RawEvent> raw;
};

/// Security 4689 (process exit).
struct ProcessExitEvent {
  std::uint64_t time = 0;
  std::string host;
  std::uint32_t pid = 0;
  std::string image;
  std::uint64_t logon_id = 0;
  std::uint32_t exit_status = 0;
  std::shared_ptr<const RawEvent> raw;
};

/// Anything else: kept as read.
struct OtherEvent {
  std::shared_ptr<const RawEvent> raw;
};

/// A normalized event of any kind.
using Event = std::variant<ProcessEvent, LogonEvent, ProcessExitEvent, OtherEvent>;

/// "TOKEN" names used in JSON output and options.
[[nodiscard]] std::string_view to_string(Integrity level);
[[nodiscard]] std::string_view to_string(AppLockerDecision decision);

}  // namespace cmdsentry
