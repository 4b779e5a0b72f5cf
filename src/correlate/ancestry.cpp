#include "correlate/ancestry.h"

#include <algorithm>
#include <array>

#include "core/ascii.h"
#include "events/merge.h"

namespace cmdsentry::correlate {
namespace {

/// Process creation times of a parent may trail the child's by the logging delay.
constexpr std::uint64_t kParentSkew = 2 * kTick;
/// Command-line bytes kept per node (enough for the shapes and automation patterns).
constexpr std::size_t kNodeCommandLine = 512;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

/// Case-insensitive contains, for text that is not lower-cased (needles are lower case).
bool icontains(std::string_view haystack, std::string_view needle) {
  return ifind(haystack, needle) != std::string_view::npos;
}

/// Image paths whose automation verdict is cached (see ProcessTable::automation_cache_).
constexpr std::size_t kAutomationCache = 4096;

/// impacket wmiexec / smbexec output redirection.
bool admin_share_output(std::string_view line) {
  // Both forms name the loopback address, which has no letters: a plain search rules out
  // almost every line before the case-insensitive ones.
  if (!contains(line, "\\\\127.0.0.1\\")) return false;
  return icontains(line, "\\\\127.0.0.1\\admin$\\__") ||
         icontains(line, "\\\\127.0.0.1\\c$\\__output");
}

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

constexpr std::array<std::string_view, 12> kWebServers = {
    "w3wp.exe",     "httpd.exe",           "nginx.exe",      "php-cgi.exe",
    "sqlservr.exe", "tomcat.exe",          "tomcat7.exe",    "tomcat8.exe",
    "tomcat9.exe",  "umworkerprocess.exe", "coldfusion.exe", "jrun.exe"};
constexpr std::array<std::string_view, 6> kJavaWebRoots = {"tomcat",    "jboss",     "weblogic",
                                                           "websphere", "glassfish", "wildfly"};
constexpr std::array<std::string_view, 14> kDocuments = {
    "winword.exe", "excel.exe",       "powerpnt.exe",       "outlook.exe",  "msaccess.exe",
    "mspub.exe",   "visio.exe",       "onenote.exe",        "eqnedt32.exe", "acrord32.exe",
    "acrobat.exe", "foxitreader.exe", "foxitpdfreader.exe", "hwp.exe"};
constexpr std::array<std::string_view, 4> kRemoteServices = {"services.exe", "wmiprvse.exe",
                                                             "wsmprovhost.exe", "winrshost.exe"};
constexpr std::array<std::string_view, 4> kPsExecServices = {"psexesvc.exe", "remcomsvc.exe",
                                                             "csexecsvc.exe", "xcmdsvc.exe"};
constexpr std::array<std::string_view, 3> kTaskHosts = {"svchost.exe", "taskeng.exe",
                                                        "taskhostw.exe"};

bool web_server(std::string_view name, std::string_view path) {
  if (one_of(name, kWebServers)) return true;
  if (name != "java.exe" && name != "javaw.exe") return false;
  return std::any_of(kJavaWebRoots.begin(), kJavaWebRoots.end(),
                     [&](std::string_view r) { return contains(path, r); });
}

/// cscript, wscript, java, javaw: the images whose command line names the automation.
bool runtime_image(std::string_view lower_path) {
  const std::string_view name = path_file_name(lower_path);
  return name == "cscript.exe" || name == "wscript.exe" || name == "java.exe" ||
         name == "javaw.exe";
}

std::string file_name(std::string_view lower_path) {
  return std::string(path_file_name(lower_path));
}

Shape shape_of(std::string_view image_name, std::string_view cl,
               const std::vector<std::string>& chain, bool ancestor_output) {
  for (const std::string& a : chain) {
    if (one_of(std::string_view(a), kPsExecServices) || istarts_with(a, "paexec")) {
      return Shape::kPsExecService;
    }
  }
  if (ancestor_output || admin_share_output(cl)) return Shape::kAdminShareOutput;
  const bool shell = image_name == "cmd.exe";
  if (shell && icontains(cl, "echo") && icontains(cl, "\\\\.\\pipe\\")) return Shape::kPipeEcho;
  if (shell && !chain.empty() && one_of(std::string_view(chain[0]), kTaskHosts) &&
      (icontains(cl, "\\windows\\temp\\") || icontains(cl, "%windir%\\temp\\")) &&
      icontains(cl, ".tmp 2>&1")) {
    return Shape::kAtExecOutput;
  }
  return Shape::kNone;
}

}  // namespace

std::string_view kind_name(AncestryKind kind) {
  switch (kind) {
    case kKindWebServer:
      return "web-server";
    case kKindDocument:
      return "document";
    case kKindRemoteService:
      return "remote-service";
    case kKindUserWritable:
      return "user-writable";
  }
  return "unknown";
}

std::string_view kind_description(AncestryKind kind) {
  switch (kind) {
    case kKindWebServer:
      return "a web or database server process (web shell, xp_cmdshell)";
    case kKindDocument:
      return "a document program (a malicious document or attachment)";
    case kKindRemoteService:
      return "a service or WMI/WinRM host (remote execution: sc, wmic /node, PsExec-like)";
    case kKindUserWritable:
      return "a binary in a user-writable folder (a dropped implant)";
  }
  return "";
}

std::string_view shape_name(Shape shape) {
  switch (shape) {
    case Shape::kNone:
      return "";
    case Shape::kAdminShareOutput:
      return "admin-share-output";
    case Shape::kPipeEcho:
      return "named-pipe-echo";
    case Shape::kPsExecService:
      return "psexec-service";
    case Shape::kAtExecOutput:
      return "atexec-output";
  }
  return "";
}

std::string_view shape_description(Shape shape) {
  switch (shape) {
    case Shape::kNone:
      return "";
    case Shape::kAdminShareOutput:
      return "output redirected to \\\\127.0.0.1\\ADMIN$ or C$\\__output (impacket "
             "wmiexec/smbexec)";
    case Shape::kPipeEcho:
      return "cmd.exe echoing into a named pipe (Meterpreter/Cobalt Strike getsystem)";
    case Shape::kPsExecService:
      return "started by a PsExec-style service (PSEXESVC, PAExec, RemCom)";
    case Shape::kAtExecOutput:
      return "a scheduled task writing its output to %windir%\\Temp\\*.tmp (impacket atexec)";
  }
  return "";
}

const std::vector<AutomationPattern>& automation_patterns() {
  static const std::vector<AutomationPattern> kPatterns = {
      {"azure-guest-agent",
       "the Azure VM guest agent and its extensions (C:\\WindowsAzure, C:\\Packages\\Plugins) run "
       "inventory and configuration commands on every Azure VM",
       {"\\windowsazure\\", "\\packages\\plugins\\", "waappagent.exe",
        "windowsazureguestagent.exe"},
       {}},
      {"aws-agent",
       "the AWS SSM agent and EC2Launch/EC2Config run configuration documents on EC2 instances",
       {"amazon-ssm-agent.exe", "ssm-document-worker.exe", "ssm-agent-worker.exe",
        "\\amazon\\ec2launch\\", "\\amazon\\ec2config"},
       {}},
      {"gcp-agent",
       "the Google guest agent configures Compute Engine instances",
       {"googleguestagent.exe", "\\google\\compute engine\\"},
       {}},
      {"gather-network-info",
       "Windows' own network inventory task runs gatherNetworkInfo.vbs, which calls ipconfig, "
       "netsh, route and net",
       {},
       {"\\system32\\gathernetworkinfo.vbs"}},
      {"windows-maintenance",
       "Windows' own diagnostics, update and Defender processes (sdiagnhost, UsoClient, "
       "CompatTelRunner, MpCmdRun, TiWorker)",
       {"\\sdiagnhost.exe", "\\usoclient.exe", "\\musnotification.exe", "\\compattelrunner.exe",
        "\\mpcmdrun.exe", "\\programdata\\microsoft\\windows defender\\", "\\tiworker.exe",
        "\\trustedinstaller.exe", "\\devicecensus.exe",
        "\\windows defender advanced threat "
        "protection\\"},
       {}},
      {"sccm-agent",
       "the Configuration Manager client (C:\\Windows\\CCM) runs inventory and "
       "deployment scripts",
       {"\\windows\\ccm\\", "\\windows\\ccmsetup\\"},
       {}},
      {"intune-agent",
       "the Intune management extension runs the scripts an administrator assigned",
       {"\\microsoft intune management extension\\", "\\agentexecutor.exe"},
       {}},
      {"ci-agent",
       "a CI agent (Azure Pipelines, GitLab, Jenkins, TeamCity, Buildkite) runs build scripts "
       "that call the same commands on every build",
       {"\\agent.worker.exe", "\\agent.listener.exe", "gitlab-runner", "buildkite-agent",
        "\\teamcity\\", "\\jenkins\\"},
       {"\\jenkins\\agent.jar", "\\jenkins\\slave.jar", "agent.jar -jnlpurl", "remoting.jar"}},
  };
  return kPatterns;
}

std::string AncestryInfo::text() const {
  std::string out;
  for (const std::string& c : chain) {
    if (!out.empty()) out += " < ";
    out += c;
  }
  return out;
}

bool user_writable(std::string_view path) { return writable_lower(to_lower(path)); }

bool writable_lower(std::string_view p) {
  // One pass over the path's inner folders: the names between two backslashes (a name matches
  // only with a backslash on both sides, so "C:\\temp.exe" is not the Temp folder). Per-user
  // installs (VS Code, Teams, OneDrive, Store apps: AppData\\Local\\Programs and
  // AppData\\Local\\Microsoft) are not writable drops, wherever they appear; ProgramData is,
  // but not when the path also has ProgramData\\Microsoft (Defender and the like).
  static constexpr std::array<std::string_view, 6> kFolders = {
      "temp", "tmp", "downloads", "appdata", "$recycle.bin", "perflogs"};
  // The inner folder starting after the backslash at `from` (empty view and npos when none).
  auto folder_at = [&](std::size_t from, std::size_t& end) -> std::string_view {
    end = from == std::string_view::npos ? std::string_view::npos : p.find('\\', from + 1);
    return end == std::string_view::npos ? std::string_view() : p.substr(from + 1, end - from - 1);
  };
  bool writable = false;
  bool program_data = false;
  bool program_data_microsoft = false;
  std::size_t end = 0;
  for (std::size_t at = p.find('\\'); at != std::string_view::npos; at = end) {
    const std::string_view name = folder_at(at, end);
    if (end == std::string_view::npos) break;
    std::size_t next_end = 0;
    const std::string_view next = folder_at(end, next_end);
    const bool has_next = next_end != std::string_view::npos;
    if (name == "appdata" && has_next && next == "local") {
      std::size_t third_end = 0;
      const std::string_view third = folder_at(next_end, third_end);
      if (third_end != std::string_view::npos && (third == "programs" || third == "microsoft")) {
        return false;
      }
    }
    if (std::find(kFolders.begin(), kFolders.end(), name) != kFolders.end()) writable = true;
    if (has_next &&
        ((name == "users" && next == "public") || (name == "windows" && next == "tasks"))) {
      writable = true;
    }
    if (name == "programdata") {
      program_data = true;
      if (has_next && next == "microsoft") program_data_microsoft = true;
    }
  }
  return writable || (program_data && !program_data_microsoft);
}

bool shell_link(std::string_view image_name) {
  return image_name == "cmd.exe" || image_name == "powershell.exe" || image_name == "pwsh.exe" ||
         image_name == "conhost.exe";
}

std::uint64_t ProcessTable::key_of(std::string_view host, std::string_view guid,
                                   std::uint32_t pid) {
  // FNV-1a over host, a tag and the lower-case GUID or the PID (64 bits: collisions between the
  // processes of one retention window are not a practical concern).
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](unsigned char c) { h = (h ^ c) * 0x100000001b3ULL; };
  for (char c : host) mix(static_cast<unsigned char>(c));
  mix('|');
  if (!guid.empty()) {
    mix('g');
    for (char c : guid) mix(static_cast<unsigned char>(ascii_lower(c)));
  } else {
    mix('p');
    for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>(pid >> (8 * i)));
  }
  return h == 0 ? 1 : h;  // 0 means "no key"
}

std::uint32_t ProcessTable::PathPool::intern(std::string_view path) {
  if (path.empty()) return 0;
  auto it = ids_.find(path);
  std::uint32_t id = 0;
  if (it != ids_.end()) {
    id = it->second;
  } else {
    if (free_.empty()) {
      id = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    } else {
      id = free_.back();
      free_.pop_back();
    }
    entries_[id].text.assign(path);
    ids_.emplace(entries_[id].text, id);
  }
  entries_[id].uses++;
  return id;
}

void ProcessTable::PathPool::release(std::uint32_t id) {
  if (id == 0 || --entries_[id].uses != 0) return;
  if (auto it = ids_.find(std::string_view(entries_[id].text)); it != ids_.end()) ids_.erase(it);
  std::string().swap(entries_[id].text);
  free_.push_back(id);
}

void ProcessTable::drop(std::uint64_t key, std::uint64_t time) {
  auto it = nodes_.find(key);
  if (it == nodes_.end() || it->second.time != time) return;
  paths_.release(it->second.path);
  paths_.release(it->second.parent_path);
  nodes_.erase(it);
}

const ProcessTable::Node* ProcessTable::find_node(std::uint64_t key) const {
  auto it = nodes_.find(key);
  if (it == nodes_.end()) return nullptr;
  if (it->second.alias == 0) return &it->second;
  auto target = nodes_.find(it->second.alias);
  // The GUID entry may have been replaced or dropped (the cap) since: then this one is gone too.
  if (target == nodes_.end() || target->second.time != it->second.time) return nullptr;
  return &target->second;
}

void ProcessTable::put(HostOrder& h, std::uint64_t key, Node node) {
  h.order.emplace_back(node.time, key);
  auto [it, fresh] = nodes_.try_emplace(key, node);
  if (!fresh) {
    // A newer process under the same key (a PID reused, a record repeated) replaces it.
    paths_.release(it->second.path);
    paths_.release(it->second.parent_path);
    it->second = node;
  }
  // Over the cap: this host's oldest go first.
  while (nodes_.size() > kMaxProcesses && !h.order.empty()) {
    drop(h.order.front().second, h.order.front().first);
    h.order.pop_front();
  }
}

void ProcessTable::expire_host(HostOrder& h, std::uint64_t now) {
  h.now = std::max(h.now, now);
  if (h.now < kProcessRetention) return;
  const std::uint64_t cut = h.now - kProcessRetention;
  while (!h.order.empty() && h.order.front().first < cut) {
    drop(h.order.front().second, h.order.front().first);
    h.order.pop_front();
  }
}

void ProcessTable::add_logon(const LogonEvent& logon) {
  if (logon.logon_id == 0) return;
  std::string key = events::host_key(logon.host) + '|' + std::to_string(logon.logon_id);
  session_order_.emplace_back(logon.time, key);
  sessions_[std::move(key)] = Session{logon.time, logon.logon_type, logon.source_address};
  while (sessions_.size() > kMaxSessions && !session_order_.empty()) {
    auto it = sessions_.find(session_order_.front().second);
    if (it != sessions_.end() && it->second.time == session_order_.front().first) {
      sessions_.erase(it);
    }
    session_order_.pop_front();
  }
}

const AutomationPattern* ProcessTable::automation_of(std::string_view path,
                                                     std::string_view command_line) const {
  // `path` is lower case; `command_line` as logged.
  if (automation_off_ || path.empty()) return nullptr;
  if (runtime_image(path)) return match_automation(path, command_line);
  auto it = automation_cache_.find(path);
  if (it != automation_cache_.end()) return it->second;
  if (automation_cache_.size() >= kAutomationCache) automation_cache_.clear();
  const AutomationPattern* p = match_automation(path, command_line);
  automation_cache_.emplace(std::string(path), p);
  return p;
}

const AutomationPattern* ProcessTable::match_automation(std::string_view path,
                                                        std::string_view command_line) const {
  if (writable_lower(path)) return nullptr;
  // Command-line patterns only for the script hosts and runtimes that run such scripts: a shell
  // line that merely mentions a pattern is not the automation.
  const bool runtime = runtime_image(path);
  for (const AutomationPattern& p : automation_patterns()) {
    if (std::find(disabled_.begin(), disabled_.end(), p.name) != disabled_.end()) continue;
    if (std::any_of(p.images.begin(), p.images.end(),
                    [&](std::string_view n) { return contains(path, n); })) {
      return &p;
    }
    if (runtime && std::any_of(p.command_lines.begin(), p.command_lines.end(),
                               [&](std::string_view n) { return icontains(command_line, n); })) {
      return &p;
    }
  }
  return nullptr;
}

AncestryInfo ProcessTable::add_process(const ProcessEvent& e, std::string_view host_key) {
  AncestryInfo info;
  HostOrder& host = string_map_at(hosts_, host_key);
  expire_host(host, e.time);
  auto head = [](std::string_view line) {
    return line.substr(0, std::min(line.size(), kNodeCommandLine));
  };
  // The parent as this event names it, then the remembered ancestors above it.
  std::uint64_t parent_key = 0;
  if (!e.parent_process_guid().empty() || e.parent_pid) {
    parent_key = key_of(host_key, e.parent_process_guid(), e.parent_pid.value_or(0));
  }
  const Node* node = nullptr;
  if (parent_key != 0) {
    const Node* found = find_node(parent_key);
    if (found != nullptr && found->time <= e.time + kParentSkew) node = found;
  }
  const Node* const parent = node;
  std::string parent_path = to_lower(e.parent_image());
  if (!parent_path.empty()) {
    info.paths.push_back(parent_path);
  } else if (node != nullptr) {
    info.paths.emplace_back(paths_.text(node->path));
  }
  const std::string_view pcl = head(e.parent_command_line());
  // The parent's or the grandparent's line redirected to an admin share (wmiexec's cmd.exe).
  bool ancestor_output = admin_share_output(pcl) || (node != nullptr && node->admin_share);
  for (int depth = 0; node != nullptr && depth < kMaxDepth; ++depth) {
    const Node* found = node->parent_key == 0 ? nullptr : find_node(node->parent_key);
    const Node* up = found != nullptr && found->time <= node->time + kParentSkew ? found : nullptr;
    if (up == nullptr) {
      // The parent's own creation is not in the logs (or expired): its image still is.
      if (node->parent_path != 0) info.paths.emplace_back(paths_.text(node->parent_path));
      break;
    }
    if (depth == 0 && up->admin_share) ancestor_output = true;
    info.paths.emplace_back(paths_.text(up->path));
    node = up;
  }
  info.chain.reserve(info.paths.size());
  for (const std::string& p : info.paths) info.chain.push_back(file_name(p));

  std::string image = to_lower(e.image());
  const std::string name = file_name(image);
  const std::string_view cl = head(e.command_line());
  info.shape = shape_of(name, cl, info.chain, ancestor_output);
  // Automation is inherited down the tree: the process itself, else its parent's verdict (made
  // when the parent was created), else the parent as this event names it.
  const AutomationPattern* automation = automation_of(image, cl);
  if (automation == nullptr && parent != nullptr) automation = parent->automation;
  if (automation == nullptr && parent == nullptr && !info.paths.empty()) {
    automation = automation_of(info.paths[0], pcl);
  }
  if (info.shape == Shape::kNone) info.automation = automation;

  // The first ancestor that is not a shell link says who asked for the command.
  for (std::size_t i = 0; i < info.chain.size(); ++i) {
    if (shell_link(info.chain[i])) continue;
    const std::string& n = info.chain[i];
    std::uint8_t k = 0;
    if (web_server(n, info.paths[i])) k = kKindWebServer;
    if (one_of(std::string_view(n), kDocuments)) k = kKindDocument;
    if (one_of(std::string_view(n), kRemoteServices)) k = kKindRemoteService;
    if (k != 0) {
      info.kinds |= k;
      info.kind_images[kind_index(static_cast<AncestryKind>(k))] = info.paths[i];
    }
    break;
  }
  for (std::size_t i = 0; i < info.paths.size() && i < 4; ++i) {
    if (writable_lower(info.paths[i])) {
      info.kind_images[kind_index(kKindUserWritable)] = info.paths[i];
      info.kinds |= kKindUserWritable;
      break;
    }
  }
  if (info.automation != nullptr) info.kinds = 0;

  if (e.logon_id != 0 && !sessions_.empty()) {
    auto s = sessions_.find(std::string(host_key) + '|' + std::to_string(e.logon_id));
    if (s != sessions_.end()) {
      info.logon_type = s->second.type;
      info.source_address = s->second.address;
    }
  }

  // Remember this process as a possible ancestor (under its GUID and its PID).
  Node self;
  self.time = e.time;
  self.parent_key = parent_key;
  self.admin_share = admin_share_output(cl);
  self.automation = automation;
  // The pool's references are taken by put, which keeps or drops the node.
  const std::uint32_t image_id = paths_.intern(image);
  const std::uint32_t parent_id = paths_.intern(parent_path);
  self.path = image_id;
  self.parent_path = parent_id;
  if (!e.process_guid().empty()) {
    const std::uint64_t guid_key = key_of(host_key, e.process_guid(), e.pid);
    Node alias;
    alias.time = self.time;
    alias.alias = guid_key;
    put(host, guid_key, std::move(self));
    if (e.pid != 0) put(host, key_of(host_key, {}, e.pid), std::move(alias));
  } else if (e.pid != 0) {
    put(host, key_of(host_key, {}, e.pid), std::move(self));
  } else {
    paths_.release(image_id);
    paths_.release(parent_id);
  }
  return info;
}

bool ProcessTable::knows(const ProcessEvent& e, std::string_view host_key) const {
  // (by the key add_process stores first)
  const Node* n = find_node(key_of(host_key, e.process_guid(), e.pid));
  return n != nullptr && n->time == e.time;
}

}  // namespace cmdsentry::correlate
