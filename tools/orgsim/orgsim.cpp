#include "orgsim/orgsim.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/time.h"
#include "orgsim/host_sim.h"
#include "orgsim/org.h"

namespace cmdsentry::orgsim {
namespace {

std::string json(std::string_view s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {
      o += fmt::format("\\u{:04x}", c);
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

std::string iso(std::uint64_t t) {
  std::string s;
  append_filetime_iso(s, t, 6);
  return s;
}

Result<std::vector<HostResult>> simulate_all(const Org& org, std::uint64_t seed,
                                             const std::filesystem::path& out, bool evtx,
                                             bool jsonl, int days, int threads, int hosts) {
  std::vector<Result<HostResult>> results(static_cast<std::size_t>(hosts),
                                          Result<HostResult>(HostResult{}));
  std::atomic<int> next{0};
  auto work = [&] {
    for (int h; (h = next++) < hosts;) {
      results[static_cast<std::size_t>(h)] = simulate_host(org, h, seed, out, evtx, jsonl, days);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  std::vector<HostResult> ok;
  for (auto& r : results) {
    if (!r) return tl::unexpected(r.error());
    ok.push_back(std::move(*r));
  }
  return ok;
}

}  // namespace

Result<RunStats> run(const Options& o) {
  auto tables = read_study_tables(o.tables);
  if (!tables) return tl::unexpected(tables.error());
  const auto start = parse_iso_time(o.start + "T00:00:00Z");
  if (!start)
    return fail(ErrorCode::kInvalidArgument, fmt::format("--start: not a date: '{}'", o.start));
  const int threads = o.threads > 0 ? o.threads : std::max(1U, std::thread::hardware_concurrency());
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec)
    return fail(ErrorCode::kIo, fmt::format("cannot create {}: {}", o.out.string(), ec.message()));
  int days = std::max(o.days, 1);
  if (o.size != 0) {
    // Measure one working day and one weekend day of the whole organisation (no intrusions),
    // then count calendar days from --start until the target is reached.
    std::uint64_t per_day[2] = {0, 0};  // weekday, weekend
    for (int weekend = 0; weekend < 2; ++weekend) {
      const std::uint64_t day = *start / kTicksPerDay;
      const std::uint64_t offset = weekend ? (12 - day % 7) % 7 : (day % 7 < 5 ? 0 : 7 - day % 7);
      Org probe = build_org(o.seed, o.hosts, o.users, *start + offset * kTicksPerDay, 1);
      const auto dir = o.out / ".size-probe";
      auto r = simulate_all(probe, o.seed, dir, o.evtx, o.jsonl && !o.evtx, 1, threads,
                            static_cast<int>(probe.hosts.size()));
      std::filesystem::remove_all(dir, ec);
      if (!r) return tl::unexpected(r.error());
      // Less each file's header and half-empty last chunk, which a longer run pays only once.
      for (const auto& h : *r) {
        const std::uint64_t b = o.evtx ? h.evtx_bytes : h.jsonl_bytes;
        const std::uint64_t fixed = o.evtx ? h.files.size() * (4096 + 32768) : 0;
        per_day[weekend] += b > 2 * fixed ? b - fixed : b;
      }
    }
    std::uint64_t total = 0;
    days = 0;
    while (total < o.size && days < 3650) {
      total += per_day[(*start / kTicksPerDay + static_cast<std::uint64_t>(days)) % 7 >= 5 ? 1 : 0];
      ++days;
    }
    days = std::max(days, 1);
  }
  Org org = build_org(o.seed, o.hosts, o.users, *start, days);
  plan_intrusions(org, *tables, o.seed, o.intrusions);
  const int hosts = static_cast<int>(org.hosts.size());
  auto results = simulate_all(org, o.seed, o.out / "logs", o.evtx, o.jsonl, days, threads, hosts);
  if (!results) return tl::unexpected(results.error());

  RunStats s;
  s.hosts = hosts;
  s.days = days;
  // Labels: one line per intrusion part, then one per record (host order, then file order).
  std::ofstream labels(o.out / "labels.jsonl", std::ios::trunc);
  if (!labels)
    return fail(ErrorCode::kIo, fmt::format("cannot create {}", (o.out / "labels.jsonl").string()));
  std::vector<std::uint64_t> first(org.parts.size(), UINT64_MAX), last(org.parts.size(), 0);
  for (const auto& h : *results) {
    for (const Label& l : h.labels) {
      first[static_cast<std::size_t>(l.part)] =
          std::min(first[static_cast<std::size_t>(l.part)], l.time);
      last[static_cast<std::size_t>(l.part)] =
          std::max(last[static_cast<std::size_t>(l.part)], l.time);
    }
  }
  for (std::size_t i = 0; i < org.parts.size(); ++i) {
    const IntrusionPart& p = org.parts[i];
    const Host& host = org.hosts[static_cast<std::size_t>(p.host)];
    std::string line = fmt::format(
        "{{\"type\":\"intrusion\",\"id\":{},\"parent\":{},\"group\":{},\"host\":{},\"user\":{},"
        "\"start\":{},\"end\":{},",
        json(p.id), p.parent.empty() ? "null" : json(p.parent), json(p.group), json(host.fqdn),
        json(p.user >= 0 ? org.domain + "\\" + org.users[static_cast<std::size_t>(p.user)].name
                         : "NT AUTHORITY\\SYSTEM"),
        json(first[i] == UINT64_MAX ? iso(p.start) : iso(first[i])),
        json(iso(std::max(last[i], p.start))));
    if (p.parent.empty()) {
      line += fmt::format("\"ancestry\":{},", json(to_string(p.ancestry)));
    } else {
      line += fmt::format("\"via\":{},\"source\":{},", json(to_string(p.via)),
                          json(org.hosts[static_cast<std::size_t>(p.source_host)].fqdn));
    }
    std::vector<std::string> phases;
    for (const auto& c : p.commands) {
      const std::string ph = to_string(c.phase);
      if (std::find(phases.begin(), phases.end(), ph) == phases.end()) phases.push_back(ph);
    }
    line += "\"phases\":[";
    for (std::size_t k = 0; k < phases.size(); ++k) line += (k ? "," : "") + json(phases[k]);
    line += "],\"targets\":[";
    for (std::size_t k = 0; k < p.targets.size(); ++k) {
      line += (k ? "," : "") + json(org.hosts[static_cast<std::size_t>(p.targets[k])].name);
    }
    line += "],\"implant\":" + json(p.implant) + ",\"commands\":[";
    for (std::size_t k = 0; k < p.commands.size(); ++k) {
      const auto& c = p.commands[k];
      line += fmt::format("{}{{\"phase\":{},\"time\":{},\"line\":{}", k ? "," : "",
                          json(to_string(c.phase)), json(iso(c.at)), json(c.line));
      if (c.target >= 0)
        line += ",\"target\":" + json(org.hosts[static_cast<std::size_t>(c.target)].name);
      line += "}";
    }
    line += "]}\n";
    labels << line;
    if (p.parent.empty()) {
      ++s.intrusions;
    } else {
      ++s.spread_targets;
    }
  }
  for (int hi = 0; hi < hosts; ++hi) {
    const HostResult& h = (*results)[static_cast<std::size_t>(hi)];
    const Host& host = org.hosts[static_cast<std::size_t>(hi)];
    s.records += h.records;
    s.bytes += o.evtx ? h.evtx_bytes : h.jsonl_bytes;
    s.intrusion_records += h.labels.size();
    for (const Label& l : h.labels) {
      const IntrusionPart& p = org.parts[static_cast<std::size_t>(l.part)];
      const std::string log = l.log == 0 ? security_log(host) : sysmon_log(host);
      std::string files = "[";
      if (o.evtx) files += json("logs/" + log + ".evtx");
      if (o.jsonl) files += std::string(o.evtx ? "," : "") + json("logs/" + log + ".jsonl");
      files += "]";
      std::string line = fmt::format(
          "{{\"type\":\"record\",\"intrusion\":{},\"host\":{},\"files\":{},\"record\":{},"
          "\"event\":{},\"time\":{},\"role\":{}",
          json(p.id), json(host.fqdn), files, l.record, l.event_id, json(iso(l.time)),
          json(l.role));
      if (l.command >= 0) {
        const auto& c = p.commands[static_cast<std::size_t>(l.command)];
        line += fmt::format(",\"command\":{},\"phase\":{}", l.command, json(to_string(c.phase)));
      }
      labels << line << "}\n";
    }
  }
  labels.close();
  if (!labels) return fail(ErrorCode::kIo, "cannot write labels.jsonl");
  // org.json: what was simulated, for the evaluation (host-days) and for people.
  std::ofstream m(o.out / "org.json", std::ios::trunc);
  m << fmt::format(
      "{{\"seed\":{},\"start\":{},\"days\":{},\"domain\":{},\"host_days\":{},\"records\":{},"
      "\"bytes\":{},\"hosts\":[",
      o.seed, json(o.start), days, json(org.dns), hosts * days, s.records, s.bytes);
  for (int hi = 0; hi < hosts; ++hi) {
    const Host& h = org.hosts[static_cast<std::size_t>(hi)];
    m << (hi ? "," : "")
      << fmt::format(
             "{{\"name\":{},\"fqdn\":{},\"ip\":{},\"role\":{},\"sysmon\":{},\"owner\":{},\"files\":"
             "[",
             json(h.name), json(h.fqdn), json(h.ip), json(to_string(h.role)),
             h.sysmon ? "true" : "false",
             h.owner >= 0 ? json(org.users[static_cast<std::size_t>(h.owner)].name) : "null");
    const auto& files = (*results)[static_cast<std::size_t>(hi)].files;
    for (std::size_t k = 0; k < files.size(); ++k) m << (k ? "," : "") << json("logs/" + files[k]);
    m << "]}";
  }
  m << "],\"users\":[";
  for (std::size_t k = 0; k < org.users.size(); ++k) {
    m << (k ? "," : "")
      << fmt::format("{{\"name\":{},\"sid\":{},\"group\":{}}}", json(org.users[k].name),
                     json(org.users[k].sid), json(to_string(org.users[k].group)));
  }
  m << "]}\n";
  m.close();
  if (!m) return fail(ErrorCode::kIo, "cannot write org.json");
  return s;
}

}  // namespace cmdsentry::orgsim
