#include "events/event_json.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace cmdsentry::events {

TEST(EventJson, process_event_line) {
  ProcessEvent p;
  p.time = *parse_iso_time("2025-03-14T09:21:07.4411820Z");
  p.set_host("WS");
  p.pid = 8008;
  p.parent_pid = 1;
  p.set_image("C:\\net.exe");
  p.command_line_logged = false;
  p.kinds = static_cast<std::uint8_t>(EvidenceKind::kSecurity4688);
  std::string out;
  append_jsonl(out, Event{p});
  EXPECT_EQ(out,
            "{\"type\":\"process\",\"time\":\"2025-03-14T09:21:07.441182Z\",\"host\":\"WS\","
            "\"pid\":8008,\"parent_pid\":1,\"image\":\"C:\\\\net.exe\","
            "\"command_line_logged\":false,\"evidence\":[\"4688\"]}\n");
}

}  // namespace cmdsentry::events
