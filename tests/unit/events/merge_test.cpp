#include "events/merge.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cmdsentry::events {
namespace {

constexpr std::uint64_t kT = 133000000000000000ull;
constexpr std::uint64_t kMs = 10000;

ProcessEvent proc(EvidenceKind kind, std::uint32_t pid, std::string image, std::string cl,
                  std::uint64_t time, std::uint64_t record = 0, std::string host = "WS01") {
  ProcessEvent p;
  p.kinds = static_cast<std::uint8_t>(kind);
  p.pid = pid;
  p.set_image(image);
  p.set_command_line(cl);
  p.time = time;
  p.set_host(host);
  auto raw = std::make_shared<RawEvent>();
  raw->record_id = record;
  raw->set_computer(host);
  raw->set_channel(kind == EvidenceKind::kSysmon1 ? "Microsoft-Windows-Sysmon/Operational"
                                                  : "Security");
  raw->event_id = kind == EvidenceKind::kSysmon1 ? 1 : 4688;
  raw->time_created = time;
  p.evidence.push_back(raw);
  return p;
}

std::vector<Event> merged(std::vector<ProcessEvent> in, MergeStats* s = nullptr) {
  EventMerger m;
  for (auto& p : in) m.add(std::move(p));
  return m.finish(s);
}

}  // namespace

TEST(Merge, sysmon_and_4688_of_one_process_become_one) {
  ProcessEvent sys =
      proc(EvidenceKind::kSysmon1, 8008, "C:\\Windows\\System32\\net.exe", "net view", kT, 5);
  sys.hashes.edit().sha256 = "AB";
  ProcessEvent sec = proc(EvidenceKind::kSecurity4688, 8008, "C:\\WINDOWS\\system32\\NET.EXE",
                          "net view", kT + 6 * kMs, 9, "ws01.corp.example");
  sec.set_user_sid("S-1-5-21-1");
  MergeStats s;
  auto out = merged({sec, sys}, &s);
  ASSERT_EQ(out.size(), 1u);
  const auto& p = std::get<ProcessEvent>(out[0]);
  EXPECT_TRUE(p.has(EvidenceKind::kSysmon1));
  EXPECT_TRUE(p.has(EvidenceKind::kSecurity4688));
  EXPECT_EQ(p.hashes->sha256, "AB");
  EXPECT_EQ(p.user_sid(), "S-1-5-21-1");
  EXPECT_EQ(p.time, kT);
  EXPECT_EQ(p.evidence.size(), 2u);
  EXPECT_EQ(s.same_process_merged, 1u);
}

TEST(Merge, same_pid_far_apart_or_other_image_stays_separate) {
  auto out = merged({proc(EvidenceKind::kSysmon1, 10, "C:\\a.exe", "", kT),
                     proc(EvidenceKind::kSysmon1, 10, "C:\\a.exe", "", kT + 600 * 1000 * kMs),
                     proc(EvidenceKind::kSecurity4688, 10, "C:\\b.exe", "", kT + kMs)});
  EXPECT_EQ(out.size(), 3u);
}

TEST(Merge, hosts_named_by_ip_address_stay_apart) {
  // "10.0.0.5" and "10.0.0.6" are two machines, not host "10" with two domains.
  auto out =
      merged({proc(EvidenceKind::kSysmon1, 10, "C:\\a.exe", "a", kT, 1, "10.0.0.5"),
              proc(EvidenceKind::kSecurity4688, 10, "C:\\a.exe", "a", kT + kMs, 2, "10.0.0.6")});
  EXPECT_EQ(out.size(), 2u);
}

TEST(Merge, forwarded_copies_are_counted_once) {
  MergeStats s;
  auto out = merged({proc(EvidenceKind::kSecurity4688, 1, "C:\\a.exe", "a", kT, 77),
                     proc(EvidenceKind::kSecurity4688, 1, "C:\\a.exe", "a", kT, 77)},
                    &s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(s.copies_merged, 1u);
  EXPECT_EQ(std::get<ProcessEvent>(out[0]).evidence.size(), 2u);
}

TEST(Merge, net1_with_same_arguments_folds_into_net) {
  ProcessEvent net = proc(EvidenceKind::kSecurity4688, 100, "C:\\Windows\\System32\\net.exe",
                          "\"C:\\windows\\system32\\net.exe\" user  admin /domain", kT);
  ProcessEvent net1 = proc(EvidenceKind::kSecurity4688, 101, "C:\\Windows\\System32\\net1.exe",
                           "C:\\windows\\system32\\net1 user admin /domain", kT + 3 * kMs);
  net1.parent_pid = 100;
  ProcessEvent other1 = proc(EvidenceKind::kSecurity4688, 102, "C:\\Windows\\System32\\net1.exe",
                             "net1 group", kT + 4 * kMs);
  other1.parent_pid = 100;
  MergeStats s;
  auto out = merged({net, net1, other1}, &s);
  ASSERT_EQ(out.size(), 2u);
  const auto& p = std::get<ProcessEvent>(out[0]);
  ASSERT_TRUE(p.helper.has_value());
  EXPECT_EQ(p.helper->pid, 101u);
  EXPECT_EQ(s.helpers_folded, 1u);
}

TEST(Merge, record_without_pid_joins_by_image_parent_and_arguments) {
  ProcessEvent sec = proc(EvidenceKind::kSecurity4688, 7924, "C:\\w\\net1.exe", "net1 user", kT);
  sec.parent_pid = 5416;
  ProcessEvent sys =
      proc(EvidenceKind::kSysmon1, 0, "C:\\W\\NET1.EXE", "net1  user", kT + 885 * kMs);
  sys.parent_pid = 5416;
  auto out = merged({sec, sys});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<ProcessEvent>(out[0]).pid, 7924u);
}

TEST(Merge, helpers) {
  EXPECT_EQ(host_key("WS01.corp.example"), "ws01");
  EXPECT_EQ(image_name("C:\\Windows\\NET.EXE"), "net.exe");
  EXPECT_EQ(arguments_key("\"C:\\a b\\net.exe\"   User  X "), "user x");
  EXPECT_EQ(arguments_key("net1"), "");
}

TEST(Merge, output_is_time_ordered_and_stable_whatever_the_input_order) {
  // 3000 distinct processes in a scrambled order with many equal times: every one comes out
  // once, by time, equal times in input order (the in-place permutation must not lose any).
  std::vector<ProcessEvent> in;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    const std::uint32_t t = (i * 7919u) % 1000u;  // each time used three times
    in.push_back(proc(EvidenceKind::kSecurity4688, 10'000 + i, "C:\\a" + std::to_string(i) + ".exe",
                      "", kT + t * 100 * kMs));
  }
  auto out = merged(in);
  ASSERT_EQ(out.size(), 3000u);
  std::set<std::uint32_t> pids;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto& p = std::get<ProcessEvent>(out[k]);
    pids.insert(p.pid);
    if (k == 0) continue;
    const auto& prev = std::get<ProcessEvent>(out[k - 1]);
    ASSERT_LE(prev.time, p.time);
    if (prev.time == p.time) EXPECT_LT(prev.pid, p.pid);  // input order kept
  }
  EXPECT_EQ(pids.size(), 3000u);
}

}  // namespace cmdsentry::events

namespace cmdsentry::events {

// One host's week, then a second host's week starting earlier (a file opened after another had
// been read to its end): the second host's events are held only for the merge span, by their
// own progress, not until the first host's time comes back; and its Sysmon/4688 pairs, arriving
// together, still merge.
TEST(StreamMergerLate, an_older_input_after_a_newer_one_is_not_held_to_its_end) {
  std::size_t out = 0;
  StreamMerger m([&](Event&&) { ++out; });
  const std::uint64_t kMin = 60 * 1000 * kMs;
  constexpr int kN = 2000;
  for (int i = 0; i < kN; ++i) {
    m.add(proc(EvidenceKind::kSecurity4688, 1000 + i, "C:\\a.exe", "a", kT + 1000 * kMin + i * kMin,
               1 + i, "HOSTA"));
  }
  std::size_t most_held = 0;
  for (int i = 0; i < kN; ++i) {
    const std::uint64_t t = kT + i * kMin;
    m.add(proc(EvidenceKind::kSecurity4688, 5000 + i, "C:\\b.exe", "b", t, 1 + i, "HOSTB"));
    m.add(proc(EvidenceKind::kSysmon1, 5000 + i, "C:\\b.exe", "b", t + 3 * kMs, 1 + i, "HOSTB"));
    most_held = std::max(most_held, m.held());
  }
  EXPECT_LT(most_held, 10u) << "the late input piled up in the merger";
  m.flush();
  EXPECT_EQ(m.held(), 0u);
  EXPECT_EQ(out, static_cast<std::size_t>(2 * kN));
  EXPECT_EQ(m.stats().same_process_merged, static_cast<std::uint64_t>(kN));
}

// Released events come out in time order even when they arrived out of order.
TEST(StreamMergerLate, release_is_in_time_order) {
  std::vector<std::uint64_t> times;
  StreamMerger m([&](Event&& e) { times.push_back(event_time(e)); });
  const std::uint64_t kS = 1000 * kMs;
  m.add(proc(EvidenceKind::kSecurity4688, 1, "C:\\a.exe", "a", kT + 100 * kS, 1));
  m.add(proc(EvidenceKind::kSecurity4688, 2, "C:\\a.exe", "a", kT + 10 * kS, 2));
  m.add(proc(EvidenceKind::kSecurity4688, 3, "C:\\a.exe", "a", kT + 5 * kS, 3));
  m.add(proc(EvidenceKind::kSecurity4688, 4, "C:\\a.exe", "a", kT + 200 * kS, 4));
  m.flush();
  ASSERT_EQ(times.size(), 4u);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

}  // namespace cmdsentry::events
