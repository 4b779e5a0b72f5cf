#include "core/raw_event.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace cmdsentry {
namespace {

TEST(RawEvent, fields_survive_growth_copy_move_and_reuse) {
  RawEvent e;
  e.set_channel("Security");
  std::string big(5000, 'x');
  for (int i = 0; i < 40; ++i) e.add_field("F" + std::to_string(i), i == 20 ? big : std::to_string(i));
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
