#include "core/raw_event.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <utility>

namespace cmdsentry {
namespace {

TEST(RawEvent, fields_survive_growth_copy_move_and_reuse) {
  RawEvent e;
  e.set_channel("Security");
  std::string big(5000, 'x');
  for (int i = 0; i < 40; ++i)
    e.add_field("F" + std::to_string(i), i == 20 ? big : std::to_string(i));
  EXPECT_EQ(e.field_count(), 40u);
  EXPECT_EQ(e.find_exact("F7").value(), "7");
  EXPECT_EQ(e.find_exact("F20").value(), big);
  EXPECT_EQ(e.channel(), "Security");

  RawEvent copy = e;
  e.add_field("late", "1");  // the copy does not see it
  EXPECT_FALSE(copy.find_exact("late"));
  EXPECT_EQ(copy.find_exact("F39").value(), "39");
  RawEvent moved = std::move(copy);
  EXPECT_EQ(moved.find_exact("F20").value(), big);
  EXPECT_EQ(moved.channel(), "Security");

  e.clear();
  EXPECT_EQ(e.field_count(), 0u);
  EXPECT_EQ(e.channel(), "");
  e.add_field("a", "");
  EXPECT_EQ(e.find_exact("a").value(), "");
}

TEST(RawEvent, a_view_into_its_own_text_is_referenced) {
  RawEvent e;
  e.add_field("User", "CORP\\alice");
  const std::string_view v = e.find_exact("User").value();
  e.add_field("SubjectUserName", v.substr(5));  // aliases e's own buffer
  e.set_computer(v.substr(0, 4));
  EXPECT_EQ(e.find_exact("SubjectUserName").value(), "alice");
  EXPECT_EQ(e.computer(), "CORP");
}

// Lookups of known names go through the index noted at add time; they must agree with a plain
// scan for the first field of that name wherever it is (also past the index's 254 entries),
// after copies and after reuse.
TEST(RawEvent, known_name_index_matches_a_scan) {
  const auto scan = [](const RawEvent& e,
                       std::string_view name) -> std::optional<std::string_view> {
    for (const RawField f : e.fields()) {
      if (f.name == name) return f.value;
    }
    return std::nullopt;
  };
  static constexpr FieldNameSet<3> kSet{
      std::array<std::string_view, 3>{"CommandLine", "Image", "User"}};
  for (const std::size_t before :
       {std::size_t{0}, std::size_t{3}, std::size_t{253}, std::size_t{254}, std::size_t{300}}) {
    SCOPED_TRACE(before);
    RawEvent e;
    for (std::size_t i = 0; i < before; ++i) e.add_field("X" + std::to_string(i), "x");
    e.add_field("CommandLine", "first");
    e.add_field("CommandLine", "second");
    e.add_field("Image", "");
    for (const RawEvent& r : {e, RawEvent(e)}) {
      EXPECT_EQ(r.find_exact("CommandLine"), scan(r, "CommandLine"));
      EXPECT_EQ(r.find_exact("CommandLine").value(), "first");
      EXPECT_EQ(r.find_exact("Image").value(), "");
      EXPECT_FALSE(r.find_exact("User"));
      const auto f = r.find_exact(kSet);
      EXPECT_TRUE(f.has(0));
      EXPECT_EQ(f[0], "first");
      EXPECT_TRUE(f.has(1));
      EXPECT_EQ(f[1], "");
      EXPECT_FALSE(f.has(2));
    }
    e.clear();
    EXPECT_FALSE(e.find_exact("CommandLine"));
    EXPECT_FALSE(e.find_exact(kSet).has(0));
    e.add_field("User", "u");
    EXPECT_EQ(e.find_exact(kSet)[2], "u");
  }
  EXPECT_EQ(known_field_id("CommandLine") != 0, true);
  EXPECT_EQ(known_field_id("commandline"), 0);
  EXPECT_EQ(known_field_id(""), 0);
}

TEST(RawEvent, case_insensitive_lookup_after_exact) {
  RawEvent e;
  e.add_field("commandline", "lower");
  e.add_field("CommandLine", "exact");
  EXPECT_EQ(e.field("CommandLine").value(), "exact");
  EXPECT_EQ(e.field("COMMANDLINE").value(), "lower");
  EXPECT_FALSE(e.field("Command"));
}

}  // namespace
}  // namespace cmdsentry
