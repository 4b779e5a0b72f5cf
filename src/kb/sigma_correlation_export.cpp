// The study's phase chain and command bursts as Sigma correlation rules, over the detection rules
// export_sigma writes (see kb/sigma_export.h for the shapes and docs/sigma.md for the windows).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/uuid.h"
#include "kb/sigma_export.h"

namespace cmdsentry::kb {
namespace {

/// One exported correlation, per host (Computer) and User.
struct Spec {
  std::string name;  ///< also the file name and the `name` other correlations refer to
  std::string title;
  std::string description;
  const char* type = "event_count";
  std::vector<std::string> rules;
  const char* timespan = "8h";
  int gte = 0;  ///< condition (0: none, temporal* default)
  bool generate = false;
  std::vector<std::string> tags;
  const char* level = "informational";
};

SigmaExport::Rule emit(const Spec& s, const std::string& date) {
  const std::string id = content_uuid("cmdsentry-correlation|" + s.name);
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "title" << YAML::Value << s.title;
  y << YAML::Key << "id" << YAML::Value << id;
  y << YAML::Key << "name" << YAML::Value << s.name;
  y << YAML::Key << "status" << YAML::Value << "experimental";
  y << YAML::Key << "description" << YAML::Value << s.description;
  y << YAML::Key << "author" << YAML::Value << "cmdsentry knowledge base";
  y << YAML::Key << "date" << YAML::Value << YAML::SingleQuoted << date;
  y << YAML::Key << "correlation" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "type" << YAML::Value << s.type;
  y << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const std::string& r : s.rules) y << r;
  y << YAML::EndSeq;
  y << YAML::Key << "group-by" << YAML::Value << YAML::BeginSeq << "Computer"
    << "User" << YAML::EndSeq;
  y << YAML::Key << "timespan" << YAML::Value << s.timespan;
  if (s.gte > 0) {
    y << YAML::Key << "condition" << YAML::Value << YAML::BeginMap << YAML::Key << "gte"
      << YAML::Value << s.gte << YAML::EndMap;
  }
  y << YAML::EndMap;
  if (s.generate) y << YAML::Key << "generate" << YAML::Value << true;
  if (!s.tags.empty()) {
    y << YAML::Key << "tags" << YAML::Value << YAML::BeginSeq;
    for (const std::string& t : s.tags) y << t;
    y << YAML::EndSeq;
  }
  y << YAML::Key << "level" << YAML::Value << s.level;
  y << YAML::EndMap;
  SigmaExport::Rule r;
  r.entry = s.name;
  r.id = id;
  r.file = s.name + ".yml";
  r.yaml = std::string(y.c_str()) + "\n";
  return r;
}

}  // namespace

void append_correlations(const KnowledgeBase& kb, const std::string& date, SigmaExport& out) {
  out.correlations.clear();
  // Exported detection rules per study phase (cmd builtins were not exported).
  std::vector<std::string> recon, discovery, spread;
  for (const SigmaExport::Rule& r : out.rules) {
    const Entry* e = kb.find(r.entry);
    if (e == nullptr) continue;
    if (e->phase == "recon") recon.push_back(r.id);
    if (e->phase == "discovery") discovery.push_back(r.id);
    if (e->phase == "spread") spread.push_back(r.id);
  }
  std::vector<std::string> phases;
  for (const auto& [phase, ids] :
       {std::pair<const char*, const std::vector<std::string>&>{"recon", recon},
        {"discovery", discovery},
        {"spread", spread}}) {
    if (ids.empty()) continue;
    Spec s;
    s.name = std::string("cmdsentry_phase_") + phase;
    s.title = std::string("cmdsentry: a ") + phase + " command";
    s.description = std::string("Any command of the JPCERT/CC 2015 study's ") + phase +
                    " phase, per host and user: a step of cmdsentry_study_chain. Its detection "
                    "rules are also reported on their own (generate).";
    s.rules = ids;
    s.gte = 1;
    s.generate = true;
    out.correlations.push_back(emit(s, date));
    phases.push_back(s.name);
  }
  if (phases.size() == 3) {
    Spec s;
    s.name = "cmdsentry_study_chain";
    s.title = "cmdsentry: recon, discovery and spread commands in order";
    s.description =
        "The JPCERT/CC 2015 study's intrusion chain on one host by one user: a recon command, "
        "then a discovery command, then a spread command within 8 hours (the longest span of a "
        "cmdsentry incident cluster).";
    s.type = "temporal_ordered";
    s.rules = phases;
    s.tags = {"attack.discovery", "attack.lateral_movement"};
    s.level = "high";
    out.correlations.push_back(emit(s, date));
  }
  Spec burst;
  burst.rules = recon;
  burst.rules.insert(burst.rules.end(), discovery.begin(), discovery.end());
  if (burst.rules.size() >= 5) {
    burst.name = "cmdsentry_recon_burst";
    burst.title = "cmdsentry: five distinct recon or discovery commands within 10 minutes";
    burst.description =
        "A burst: at least five different recon or discovery commands of the JPCERT/CC 2015 "
        "study on one host by one user within 10 minutes (cmdsentry's incident burst rule); "
        "people do not type five in a row.";
    burst.type = "temporal";
    burst.timespan = "10m";
    burst.gte = 5;
    burst.generate = true;
    burst.tags = {"attack.discovery"};
    burst.level = "high";
    out.correlations.push_back(emit(burst, date));
  }
}

}  // namespace cmdsentry::kb
