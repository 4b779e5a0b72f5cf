#include "correlate/correlator.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/ascii.h"
#include "events/merge.h"

namespace cmdsentry::correlate {
namespace {

/// How often (event time) quiet clusters are looked for.
constexpr std::uint64_t kSweepEvery = 60 * kTick;
/// Distinct commands and hosts an automation line names.
constexpr std::size_t kAutomationExamples = 8;

/// Commands that execute on another host when they name one.
bool remote_command(std::string_view command, std::string_view phase) {
  if (phase == "spread") return true;
  static constexpr std::string_view kRemote[] = {"at",     "schtasks", "wmic",  "sc",   "reg",
                                                 "psexec", "net use",  "winrs", "copy", "xcopy"};
  return std::find(std::begin(kRemote), std::end(kRemote), command) != std::end(kRemote);
}

/// "\\fs01.corp\c$" -> "fs01"; "" for a local or empty name.
std::string target_key(std::string_view typed) {
  std::string_view t = typed;
  while (!t.empty() && (t.front() == '\\' || t.front() == '/')) t.remove_prefix(1);
  t = t.substr(0, t.find_first_of("\\/ "));
  if (t.empty() || t == "." || iequals(t, "localhost") || t == "127.0.0.1") return {};
  return events::host_key(t);
}

std::string user_of(const ProcessEvent& e) {
  if (!e.user_name().empty()) {
    return e.user_domain().empty() ? std::string(e.user_name())
                                   : fmt::format("{}\\{}", e.user_domain(), e.user_name());
  }
  return std::string(e.user_sid());
}

std::uint64_t record_of(const SourceRef& s) { return s.record_id != 0 ? s.record_id : s.line; }

EvidenceRef evidence_of(const Finding& f) {
  EvidenceRef r;
  if (const SourceRef* s = f.process->source()) {
    r.source = s->file;
    r.record = record_of(*s);
  }
  r.time = f.time();
  r.command = std::string(f.command());
  r.phase = std::string(f.phase());
  r.image = std::string(f.process->image());
  r.command_line = std::string(f.process->command_line());
  r.ancestry = f.ancestry;
  return r;
}

struct ShapeInfo {
  std::string_view tactic;
  std::vector<std::string> techniques;
};

ShapeInfo shape_info(Shape s) {
  switch (s) {
    case Shape::kAdminShareOutput:
      return {"lateral-movement", {"T1047", "T1021.002"}};
    case Shape::kPipeEcho:
      return {"privilege-escalation", {"T1134.001"}};
    case Shape::kPsExecService:
      return {"lateral-movement", {"T1569.002", "T1021.002"}};
    case Shape::kAtExecOutput:
      return {"lateral-movement", {"T1053.005"}};
    case Shape::kNone:
      break;
  }
  return {};
}

ShapeInfo kind_info(AncestryKind k, std::string_view image) {
  switch (k) {
    case kKindWebServer:
      return {"persistence", {"T1505.003"}};
    case kKindDocument:
      return {"execution", {"T1204.002"}};
    case kKindRemoteService:
      if (iends_with(image, "wmiprvse.exe")) return {"execution", {"T1047"}};
      if (iends_with(image, "wsmprovhost.exe") || iends_with(image, "winrshost.exe")) {
        return {"lateral-movement", {"T1021.006"}};
      }
      return {"execution", {"T1569.002"}};
    case kKindUserWritable:
      return {"execution", {"T1204.002"}};
  }
  return {};
}

bool shell_program(std::string_view program) {
  static constexpr std::string_view kShells[] = {"cmd",     "powershell", "pwsh",
                                                 "wscript", "cscript",    "mshta"};
  return std::find(std::begin(kShells), std::end(kShells), program) != std::end(kShells);
}

}  // namespace

// --- IncidentStage -------------------------------------------------------------------------

struct IncidentStage::Cluster {
  std::uint64_t id = 0;
  std::string key;
  std::string host;
  std::string host_key;
  std::string user;
  std::uint64_t start = 0;
  std::uint64_t last = 0;
  std::vector<Finding> findings;
  ClusterFacts facts;
  std::set<std::uint64_t> linked;    ///< cluster ids linked either way
  std::vector<std::string> related;  ///< incident ids of linked clusters that closed first
};

struct IncidentStage::Held {
  std::uint64_t time = 0;
  std::uint64_t seq = 0;
  std::shared_ptr<const Incident> incident;  ///< set: an incident record
  Finding finding;
};

struct IncidentStage::Automation {
  const AutomationPattern* pattern = nullptr;
  AutomationLine line;
  std::set<std::string> hosts;
  std::set<std::string> commands;
};

IncidentStage::IncidentStage(std::vector<Sink*> downstream, const CorrelateOptions& options)
    : downstream_(std::move(downstream)), options_(options) {}

IncidentStage::~IncidentStage() = default;

const AncestryInfo& IncidentStage::set_context(const ProcessEvent* process, AncestryInfo&& info) {
  context_process_ = process;
  context_ = std::move(info);
  return context_;
}

void IncidentStage::begin() {
  for (Sink* s : downstream_) s->begin();
}

void IncidentStage::advance(std::string_view host, std::uint64_t now) {
  now_ = std::max(now_, now);
  std::uint64_t& h = string_map_at(host_now_, host);
  h = std::max(h, now);
  if (now_ < next_sweep_) return;
  next_sweep_ = now_ + kSweepEvery;
  close_where(false);
  release(false);
}

/// What a held finding keeps of an execution: the ProcessEvent's own fields, and of each of its
/// records where it came from (SourceRef, channel, event id, times), which is what the sinks
/// read. The raw field maps (1-2 KB per record, which the detectors have used already) are
/// dropped: a busy host holds thousands of findings while its clusters stay open.
std::shared_ptr<const ProcessEvent> IncidentStage::slim(
    const std::shared_ptr<const ProcessEvent>& p) {
  if (!p) return p;
  if (p == slim_from_) return slim_to_;
  auto copy = std::make_shared<ProcessEvent>(*p);
  EvidenceList records;
  for (std::size_t i = 0; i < p->evidence.size(); ++i) {
    const auto& r = p->evidence[i];
    if (!r) continue;
    auto s = std::make_shared<RawEvent>();
    s->source = r->source;
    s->record_id = r->record_id;
    s->event_id = r->event_id;
    s->time_created = r->time_created;
    s->set_channel(r->channel());
    s->set_computer(r->computer());
    records.push_back(std::move(s));
  }
  copy->evidence = std::move(records);
  slim_from_ = p;
  slim_to_ = std::move(copy);
  return slim_to_;
}

void IncidentStage::on_finding(const Finding& finding) {
  Finding f = finding;
  const bool known = f.process.get() == context_process_;
  f.process = slim(f.process);
  if (f.via) f.via = slim(f.via);
  if (known) {
    f.ancestry = context_.text();
    // A command counted on its shell's record ran inside that shell: show it in the chain.
    const std::string image = events::image_name(f.process->image());
    if (shell_link(image) && f.program != image.substr(0, image.size() - 4)) {
      f.ancestry = f.ancestry.empty() ? image : image + " < " + f.ancestry;
    }
  }
  if (known && context_.automation != nullptr) {
    const AutomationPattern* p = context_.automation;
    f.automation = std::string(p->name);
    stats_.automation_findings++;
    auto it = std::find_if(automation_.begin(), automation_.end(),
                           [&](const auto& a) { return a->pattern == p; });
    if (it == automation_.end()) {
      auto a = std::make_unique<Automation>();
      a->pattern = p;
      a->line.pattern = std::string(p->name);
      a->line.evidence = std::string(p->evidence);
      a->line.first = f.time();
      a->line.example = evidence_of(f);
      automation_.push_back(std::move(a));
      it = automation_.end() - 1;
    }
    Automation& a = **it;
    a.line.count++;
    a.line.first = std::min(a.line.first, f.time());
    a.line.last = std::max(a.line.last, f.time());
    if (a.hosts.size() < kMaxAutomationHosts) a.hosts.insert(events::host_key(f.process->host()));
    if (a.commands.size() < kAutomationExamples) a.commands.insert(std::string(f.command()));
    if (options_.show_automation) {
      auto h = std::make_unique<Held>();
      h->time = f.time();
      h->seq = held_seq_++;
      h->finding = std::move(f);
      heap_.push_back(std::move(h));
      std::push_heap(heap_.begin(), heap_.end(), later);
      held_findings_++;
    }
    release(false);
    return;
  }

  const ProcessEvent& e = *f.process;
  const std::string host = events::host_key(e.host());
  advance(host, f.time());
  const std::string user = user_of(e);
  const std::string key = host + '|' + to_lower(user);
  auto it = open_.find(key);
  if (it != open_.end()) {
    Cluster& c = *it->second;
    const bool quiet = f.time() > c.last + kClusterGap;
    const bool full =
        f.time() > c.start + kMaxClusterSpan || c.findings.size() >= kMaxClusterFindings;
    if (quiet || full) {
      if (full && !quiet) stats_.forced_closes++;
      close(c);
      it = open_.end();
    }
  }
  if (it == open_.end()) {
    if (open_.size() >= kMaxOpenClusters) {
      // The cluster quiet longest goes first.
      auto idle = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
        return a.second->last < b.second->last;
      });
      stats_.forced_closes++;
      close(*idle->second);
    }
    auto c = std::make_unique<Cluster>();
    c->id = ++cluster_seq_;
    c->key = key;
    c->host = std::string(e.host());
    c->host_key = host;
    c->user = user;
    c->start = c->last = f.time();
    c->facts.logon_type = known ? context_.logon_type : 0;
    c->facts.source_address = known ? context_.source_address : std::string();
    // Reached from another host's spread command shortly before?
    for (const Link& l : links_) {
      if (l.target == host && l.time + kLinkWindow >= f.time() && l.time <= f.time() + kTick * 60) {
        c->linked.insert(l.source);
        if (std::find(c->facts.links_from.begin(), c->facts.links_from.end(), l.source_host) ==
            c->facts.links_from.end()) {
          c->facts.links_from.push_back(l.source_host);
        }
      }
    }
    stats_.clusters++;
    it = open_.emplace(key, std::move(c)).first;
  }
  Cluster& c = *it->second;
  c.last = std::max(c.last, f.time());

  // Facts for the score.
  ClusterFacts& facts = c.facts;
  const std::string command(f.command());
  auto cmd = std::find_if(facts.commands.begin(), facts.commands.end(),
                          [&](const CommandFact& x) { return x.command == command; });
  if (cmd == facts.commands.end()) {
    CommandFact x;
    x.command = command;
    x.phase = std::string(f.phase());
    x.kb = f.kb() != nullptr;
    x.noise = f.noise();
    x.level = f.headline().level;
    x.first = f.time();
    facts.commands.push_back(std::move(x));
    cmd = facts.commands.end() - 1;
  }
  if (f.phase() == "recon" || f.phase() == "discovery") {
    facts.probes.emplace_back(f.time(), static_cast<std::size_t>(cmd - facts.commands.begin()));
  }
  for (const Match& m : f.matches) {
    if (m.engine != MatchEngine::kCorrelation) continue;
    if (m.rule_id.rfind("shape.", 0) == 0) {
      std::string s = m.rule_id.substr(6);
      if (std::find(facts.shapes.begin(), facts.shapes.end(), s) == facts.shapes.end()) {
        facts.shapes.push_back(std::move(s));
      }
    }
  }
  if (known) {
    for (std::size_t b = 0; b < kKindCount; ++b) {
      const auto k = static_cast<std::uint8_t>(1U << b);
      if ((context_.kinds & k) != 0 && (facts.kinds & k) == 0) {
        facts.kinds |= k;
        facts.kind_images[b] = context_.kind_images[b];
      }
    }
  }
  facts.obfuscation = std::max(facts.obfuscation, f.obfuscation_score);
  if (!f.targets.empty() && remote_command(command, f.phase())) {
    for (const std::string& t : f.targets) {
      const std::string tk = target_key(t);
      if (tk.empty() || tk == host) continue;
      if (std::find(facts.targets.begin(), facts.targets.end(), t) == facts.targets.end() &&
          facts.targets.size() < 64) {
        facts.targets.push_back(t);
      }
      links_.push_back(Link{f.time(), c.id, host, tk});
      if (links_.size() > kMaxLinks) links_.pop_front();
      stats_.links++;
      // Link an open cluster on the target that is active now.
      for (auto& [k, other] : open_) {
        if (other->host_key != tk || other->last + kLinkWindow < f.time()) continue;
        other->linked.insert(c.id);
        c.linked.insert(other->id);
        if (std::find(other->facts.links_from.begin(), other->facts.links_from.end(), host) ==
            other->facts.links_from.end()) {
          other->facts.links_from.push_back(host);
        }
      }
    }
  }
  c.findings.push_back(std::move(f));
  held_findings_++;
  while (held_findings_ > kMaxHeldFindings && !open_.empty()) {
    auto oldest = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
      return a.second->start < b.second->start;
    });
    stats_.forced_closes++;
    close(*oldest->second);
    release(false);
    if (held_findings_ > kMaxHeldFindings) release(true);
  }
  release(false);
}

void IncidentStage::close(Cluster& c) {
  std::stable_sort(c.facts.probes.begin(), c.facts.probes.end());
  const ClusterScore s = score_cluster(c.facts, options_.weights);
  std::string incident_id;
  std::shared_ptr<Incident> inc;
  if (s.score >= options_.weights.threshold) {
    incident_id = fmt::format("inc-{:06}", ++stats_.incidents);
    inc = std::make_shared<Incident>();
    inc->id = incident_id;
    inc->host = c.host;
    inc->user = c.user;
    inc->start = c.start;
    inc->end = c.last;
    inc->phases = s.phases;
    inc->score = s.score;
    inc->reasons = s.reasons;
    inc->findings_total = c.findings.size();
    for (const Finding& f : c.findings) {
      if (inc->findings.size() >= kMaxIncidentEvidence) break;
      inc->findings.push_back(evidence_of(f));
    }
    inc->targets = c.facts.targets;
    inc->related = c.related;
    for (std::uint64_t other : c.linked) {
      auto done = closed_ids_.find(other);
      if (done != closed_ids_.end()) {
        if (!done->second.second.empty() && std::find(inc->related.begin(), inc->related.end(),
                                                      done->second.second) == inc->related.end()) {
          inc->related.push_back(done->second.second);
        }
        continue;
      }
      for (auto& [k, open] : open_) {
        if (open->id == other) open->related.push_back(incident_id);
      }
    }
    stats_.incident_findings += c.findings.size();
  }
  if (inc) {
    auto h = std::make_unique<Held>();
    h->time = c.start;
    h->seq = held_seq_++;
    h->incident = inc;
    heap_.push_back(std::move(h));
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  for (Finding& f : c.findings) {
    if (!inc && options_.incidents_only) {
      held_findings_--;
      continue;
    }
    auto h = std::make_unique<Held>();
    h->time = f.time();
    h->seq = held_seq_++;
    f.incident = incident_id;
    h->finding = std::move(f);
    heap_.push_back(std::move(h));
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  closed_ids_[c.id] = {c.last, incident_id};
  // Remember the latest closed clusters only (a link names a cluster opened within
  // kLinkWindow of its spread command; far fewer clusters than this close in that time).
  while (closed_ids_.size() > kMaxClosedClusters) closed_ids_.erase(closed_ids_.begin());
  const std::string key = c.key;
  open_.erase(key);  // destroys c
}

void IncidentStage::close_where(bool all) {
  std::vector<Cluster*> done;
  for (auto& [k, c] : open_) {
    // A cluster ends by its own host's clock (see host_now_).
    const std::uint64_t now = host_now_[c->host_key];
    if (all || c->last + kClusterGap < now || c->start + kMaxClusterSpan < now)
      done.push_back(c.get());
  }
  // Deterministic order: by cluster id (creation order).
  std::sort(done.begin(), done.end(),
            [](const Cluster* a, const Cluster* b) { return a->id < b->id; });
  for (Cluster* c : done) close(*c);
}

std::uint64_t IncidentStage::oldest_open() const {
  std::uint64_t t = UINT64_MAX;
  for (const auto& [k, c] : open_) t = std::min(t, c->start);
  return t;
}

void IncidentStage::release(bool all) {
  if (heap_.empty()) return;
  const std::uint64_t bound = all ? UINT64_MAX : oldest_open();
  while (!heap_.empty() && (all || heap_.front()->time < bound)) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    std::unique_ptr<Held> h = std::move(heap_.back());
    heap_.pop_back();
    if (h->incident) {
      for (Sink* s : downstream_) s->on_incident(*h->incident);
      continue;
    }
    held_findings_--;
    for (Sink* s : downstream_) s->on_finding(h->finding);
  }
}

void IncidentStage::emit_automation() {
  for (const auto& a : automation_) {
    AutomationLine line = a->line;
    line.hosts = a->hosts.size();
    for (const std::string& h : a->hosts) {
      if (line.host_examples.size() >= kAutomationExamples) break;
      line.host_examples.push_back(h);
    }
    line.commands.assign(a->commands.begin(), a->commands.end());
    for (Sink* s : downstream_) s->on_automation(line);
  }
}

void IncidentStage::flush() {
  close_where(true);
  release(true);
  for (Sink* s : downstream_) s->flush();
}

void IncidentStage::finish(const RunReport& report) {
  close_where(true);
  release(true);
  emit_automation();
  for (Sink* s : downstream_) s->finish(report);
}

bool IncidentStage::later(const std::unique_ptr<Held>& a, const std::unique_ptr<Held>& b) {
  return a->time != b->time ? a->time > b->time : a->seq > b->seq;
}

// --- Correlator ----------------------------------------------------------------------------

Correlator::Correlator(std::vector<Sink*> downstream, const CorrelateOptions& options)
    : stage_(std::move(downstream), options), sessions_(options.sessions) {
  for (const std::string& name : options.automation_off) {
    if (name == "all") {
      table_.disable_all_automation();
    } else {
      table_.disable_automation(name);
    }
  }
}

void Correlator::on_event(const Event& event, std::vector<Match>& out) {
  (void)out;
  if (const auto* logon = std::get_if<LogonEvent>(&event)) table_.add_logon(*logon);
}

void Correlator::on_time(std::uint64_t time) { (void)time; }

void Correlator::on_execution(const AnalyzedEvent& ae, std::vector<Match>& out) {
  // A chain command's own process can be final before its shell (the shell waits for its
  // children to be paired): learn the shell first so the child sees its grandparents.
  for (const ExecutedCommand& ec : ae.commands) {
    if (ec.via && ec.via.get() != ae.process.get() && !table_.knows(*ec.via, ae.host)) {
      (void)table_.add_process(*ec.via, ae.host);
    }
  }
  const AncestryInfo& info =
      stage_.set_context(ae.process.get(), table_.add_process(*ae.process, ae.host));
  if (ae.commands.empty() || info.automation != nullptr) return;

  const std::string chain = info.text();
  if (info.shape != Shape::kNone) {
    // The shape is about the execution: attach it to the command the knowledge base flagged,
    // else to the first command, so it does not become a second finding of the same record.
    int target = 0;
    for (const Match& m : out) {
      if (m.command >= 0) {
        target = m.command;
        break;
      }
    }
    ShapeInfo si = shape_info(info.shape);
    Match m;
    m.engine = MatchEngine::kCorrelation;
    m.rule_id = fmt::format("shape.{}", shape_name(info.shape));
    m.title = fmt::format("remote execution: {}", shape_description(info.shape));
    m.level = Level::kCritical;
    m.tactic = std::string(si.tactic);
    m.techniques = std::move(si.techniques);
    m.fields.push_back({"ancestry", chain});
    m.fields.push_back({"command_line", std::string(ae.process->command_line())});
    m.command = target;
    out.push_back(std::move(m));
    shapes_++;
    return;
  }
  if (info.kinds == 0) return;
  for (std::size_t i = 0; i < ae.commands.size(); ++i) {
    const bool flagged = std::any_of(out.begin(), out.end(), [&](const Match& m) {
      return m.engine != MatchEngine::kCorrelation &&
             (m.command == static_cast<int>(i) || m.command < 0);
    });
    const std::string& program = ae.command(i).program;
    if (!flagged && !shell_program(program)) continue;
    for (AncestryKind k : {kKindWebServer, kKindDocument, kKindRemoteService, kKindUserWritable}) {
      if ((info.kinds & k) == 0) continue;
      const std::string& ancestor = info.kind_images[kind_index(k)];
      ShapeInfo ki = kind_info(k, ancestor);
      Match m;
      m.engine = MatchEngine::kCorrelation;
      m.rule_id = fmt::format("ancestry.{}", kind_name(k));
      m.title =
          fmt::format("{} under {}", program.empty() ? "a command" : program, kind_description(k));
      m.level = Level::kHigh;
      m.tactic = std::string(ki.tactic);
      m.techniques = std::move(ki.techniques);
      m.fields.push_back({"ancestry", chain});
      m.fields.push_back({"ancestor", ancestor});
      m.command = static_cast<int>(i);
      out.push_back(std::move(m));
      unusual_++;
      break;  // one ancestry match per command: the first kind
    }
  }
}

void Correlator::counters(std::vector<Counter>& out) const {
  const CorrelateStats& s = stage_.stats();
  out.emplace_back("correlation.shapes", shapes_);
  out.emplace_back("correlation.unusual_ancestry", unusual_);
  out.emplace_back("correlation.clusters", s.clusters);
  out.emplace_back("correlation.incidents", s.incidents);
  out.emplace_back("correlation.incident_findings", s.incident_findings);
  out.emplace_back("correlation.automation_findings", s.automation_findings);
  out.emplace_back("correlation.forced_closes", s.forced_closes);
  out.emplace_back("correlation.links", s.links);
}

}  // namespace cmdsentry::correlate
