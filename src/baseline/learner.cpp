#include "baseline/learner.h"

#include <algorithm>
#include <optional>

#include "baseline/executable.h"
#include "core/ascii.h"
#include "events/merge.h"

namespace cmdsentry::baseline {
namespace {

void add_keys(const EvidenceList& evidence, const std::string& host, std::vector<RecordKey>& out) {
  for (const auto& raw : evidence) {
    if (raw->source.record_id != 0) {
      out.push_back(
          {host, std::string(raw->channel()), static_cast<std::int64_t>(raw->source.record_id)});
    } else {
      out.push_back(
          {host, "file:" + raw->source.file.str(), static_cast<std::int64_t>(raw->source.offset)});
    }
  }
}

/// The process's own row (image, OriginalFileName, parent from the event itself).
Use own_use(const ProcessEvent& p, std::string_view host) {
  Use u;
  u.image = to_lower(p.image());
  u.executable = events::image_name(p.image());
  u.path_class = path_class(p.image());
  u.original_file_name = to_lower(p.original_file_name());
  u.user_sid = std::string(p.user_sid());
  u.user_name = user_name_of(p);
  u.host = std::string(host);
  u.parent = events::image_name(p.parent_image());
  u.time = p.time;
  return u;
}

}  // namespace

std::string user_name_of(const ProcessEvent& p) {
  if (p.user_domain().empty()) return std::string(p.user_name());
  return std::string(p.user_domain()) + "\\" + std::string(p.user_name());
}

Store::Execution describe_execution(const AnalyzedEvent& event,
                                    const std::vector<Match>& kb_matches) {
  Store::Execution e;
  const ProcessEvent& p = *event.process;
  const std::string host(event.host);
  add_keys(p.evidence, host, e.keys);
  if (p.helper) add_keys(p.helper->evidence, host, e.keys);
  // Copies of one record (an EVTX file and its JSON export read together) are merged into one
  // execution whose evidence lists the record twice: one key.
  std::sort(e.keys.begin(), e.keys.end());
  e.keys.erase(std::unique(e.keys.begin(), e.keys.end()), e.keys.end());
  std::optional<std::size_t> own;  // index of the process's own row
  for (std::size_t i = 0; i < event.commands.size(); ++i) {
    const ExecutedCommand& ec = event.commands[i];
    const cmdline::AnalyzedCommand& c = event.command(i);
    Use u = own_use(p, event.host);
    for (const Match& m : kb_matches) {
      if (m.command == static_cast<int>(i) && m.kb) {
        u.command = m.kb->command;
        u.phase = m.phase;
        break;
      }
    }
    if (!ec.on_shell && c.depth == 0) {
      own = e.uses.size();
    } else if (c.cmd_builtin) {
      // Runs inside the shell whose record this is: the shell is the executable.
      u.path_class = "builtin";
      u.original_file_name.clear();
    } else {
      // Typed on the shell's line; its own process was not logged.
      u.executable = !c.image_name.empty() ? to_lower(c.image_name) : c.program + ".exe";
      u.image.clear();
      u.path_class = path_class({});
      u.original_file_name.clear();
      u.parent = events::image_name(p.image());
    }
    e.uses.push_back(std::move(u));
  }
  if (!own) {
    own = e.uses.size();
    e.uses.push_back(own_use(p, event.host));
  }
  if (p.helper) {
    // net1.exe started by this net.exe with the same arguments: folded into one execution by
    // the merger, but it ran, and a policy must cover it too.
    Use h = e.uses[*own];
    h.executable = events::image_name(p.helper->image);
    h.image = to_lower(p.helper->image);
    h.path_class = path_class(p.helper->image);
    h.original_file_name.clear();
    h.parent = events::image_name(p.image());
    e.uses.push_back(std::move(h));
  }
  return e;
}

bool excluded(const LearnOptions& o, std::string_view host, std::uint64_t t) {
  if ((o.since && t < *o.since) || (o.until && t >= *o.until)) return true;
  if (o.exclude_hosts.contains(std::string(host))) return true;
  for (const HostPeriod& p : o.exclude_periods) {
    if (p.host == host && (!p.from || t >= *p.from) && (!p.to || t < *p.to)) return true;
  }
  return false;
}

void Learner::on_execution(const AnalyzedEvent& event, std::vector<Match>& out) {
  (void)out;  // learning reports nothing
  if (excluded(options_, event.host, event.process->time)) {
    ++counts_.skipped;
    return;
  }
  matches_.clear();
  kb_detector_.on_execution(event, matches_);
  batch_.push_back(describe_execution(event, matches_));
  if (batch_.size() >= options_.batch) flush();
}

void Learner::flush() {
  if (!error_ && !batch_.empty()) {
    if (auto r = store_.write_batch(batch_, counts_); !r) error_ = r.error();
  }
  batch_.clear();
}

Result<LearnCounts> Learner::finish() {
  flush();
  if (error_) return tl::unexpected(*error_);
  return counts_;
}

void Learner::counters(std::vector<Counter>& out) const {
  out.emplace_back("baseline.executions", counts_.executions);
  out.emplace_back("baseline.duplicates", counts_.duplicates);
  out.emplace_back("baseline.skipped", counts_.skipped);
}

}  // namespace cmdsentry::baseline
