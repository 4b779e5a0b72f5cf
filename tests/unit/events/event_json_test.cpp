#include "events/event_json.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace cmdsentry::events {

TEST(EventJson, escapes_attacker_text) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\x01\x7f", 8));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u007f\"");
}

TEST(EventJson, invalid_utf8_becomes_replacement_and_separators_are_escaped) {
  std::string out;
  append_json_string(out, "x\xff\xc0\xafy\xed\xa0\x80z\xe2\x80\xa8\xe6\x97\xa5");
  EXPECT_EQ(out, "\"x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"
                 "\\u2028\xe6\x97\xa5\"");
}

TEST(EventJson, escapes_found_wherever_they_sit_in_long_plain_runs) {
  // The escaper skips 16 plain bytes at a time: put each special byte at every position of
  // runs around that width and compare with the escape done by hand.
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x7f", "\xe6\x97\xa5",
                                  "\xff", "\xe2\x80\xa9"};
  const std::string escaped[] = {"\\\"", "\\\\", "\\n", "\\u0000", "\\u007f", "\xe6\x97\xa5",
                                 "\xEF\xBF\xBD", "\\u2029"};
  for (std::size_t k = 0; k < std::size(specials); ++k) {
    for (std::size_t len = 0; len < 40; ++len) {
      for (std::size_t at = 0; at <= len; ++at) {
        const std::string in = std::string(at, 'a') + specials[k] + std::string(len - at, 'b');
        const std::string want = "\"" + std::string(at, 'a') + escaped[k] + std::string(len - at, 'b') + "\"";
        std::string out;
        append_json_string(out, in);
        ASSERT_EQ(out, want) << "special " << k << " at " << at << " of " << len;
      }
    }
  }
}

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
