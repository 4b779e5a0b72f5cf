// The baseline database: schema and version checks, a foreign or damaged file is refused with
// a clear error and left as it was.
#include "baseline/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "baseline/sqlite.h"
#include "baseline_support.h"

namespace cmdsentry::baseline {
namespace {

using test::temp_db;

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(Store, creates_the_schema_and_reopens_it) {
  const std::string db = temp_db("create");
  {
    auto s = Store::open(db, OpenMode::kLearn);
    ASSERT_TRUE(s) << s.error().message;
  }
  auto again = Store::open(db, OpenMode::kRead);
  ASSERT_TRUE(again) << again.error().message;
  auto b = again->load();
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->usage.empty());
  EXPECT_EQ(b->runs, 0);
}

TEST(Store, read_of_a_missing_file_says_to_learn_first) {
  const std::string db = temp_db("missing");
  auto s = Store::open(db, OpenMode::kRead);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("baseline learn"), std::string::npos) << s.error().message;
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST(Store, refuses_a_file_that_is_not_sqlite_and_leaves_it_alone) {
  const std::string db = temp_db("garbage");
  const std::string garbage(8192, 'x');
  write_file(db, garbage);
  for (OpenMode mode : {OpenMode::kLearn, OpenMode::kRead}) {
    auto s = Store::open(db, mode);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not a cmdsentry baseline"), std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find(db), std::string::npos);
  }
  EXPECT_EQ(testing::slurp(db), garbage);
}

TEST(Store, refuses_another_programs_database) {
  const std::string db = temp_db("foreign");
  {
    auto c = detail::Connection::open(db, true);
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->exec("CREATE TABLE accounts(id INTEGER); INSERT INTO accounts VALUES(7);"));
  }
  const std::string before = testing::slurp(db);
  auto s = Store::open(db, OpenMode::kLearn);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("not a cmdsentry baseline"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(testing::slurp(db), before);
}

TEST(Store, refuses_a_newer_schema_version) {
  const std::string db = temp_db("newer");
  {
    auto s = Store::open(db, OpenMode::kLearn);
    ASSERT_TRUE(s);
  }
  {
    auto c = detail::Connection::open(db, false);
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->exec("UPDATE schema_version SET version = 99"));
  }
  auto s = Store::open(db, OpenMode::kLearn);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("schema version 99"), std::string::npos) << s.error().message;
}

TEST(Store, refuses_a_damaged_database) {
  const std::string db = temp_db("damaged");
  {
    auto s = Store::open(db, OpenMode::kLearn);
    ASSERT_TRUE(s);
    auto r = test::learn(
        *s,
        {{"a.jsonl", test::exec_line(1, "10:00:00", 1, test::kStaff, test::kWhoami, "whoami")}});
    ASSERT_TRUE(r) << r.error().message;
  }
  // Overwrite the second page onwards (the tables), keeping the valid header page.
  std::string bytes = testing::slurp(db);
  ASSERT_GT(bytes.size(), 4096u);
  for (std::size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5);
  write_file(db, bytes);
  auto s = Store::open(db, OpenMode::kRead);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find(db), std::string::npos) << s.error().message;
}

Store::Execution execution(std::int64_t record, const std::string& command) {
  Store::Execution e;
  e.keys.push_back({"ws01", "Security", record});
  e.uses.push_back(Use{command, "recon", "whoami.exe", "c:\\windows\\system32\\whoami.exe",
                       "system", "", "S-1-5-21-1-2-3-1201", "CORP\\jmori", "ws01", "cmd.exe",
                       133'000'000'000'000'000ULL});
  return e;
}

TEST(Store, records_already_counted_are_duplicates_in_one_batch_or_the_next) {
  auto s = Store::open(temp_db("dup"), OpenMode::kLearn);
  ASSERT_TRUE(s);
  LearnCounts counts;
  ASSERT_TRUE(s->write_batch({execution(1, "whoami"), execution(1, "whoami")}, counts));
  ASSERT_TRUE(s->write_batch({execution(1, "whoami"), execution(2, "whoami")}, counts));
  EXPECT_EQ(counts.executions, 2u);
  EXPECT_EQ(counts.duplicates, 2u);
  auto b = s->load();
  ASSERT_TRUE(b);
  ASSERT_EQ(b->usage.size(), 1u);
  EXPECT_EQ(b->usage[0].executions, 2);
  EXPECT_EQ(b->usage[0].days.size(), 1u);
  EXPECT_EQ(b->usage[0].parents.at("cmd.exe"), 2);
}

TEST(Store, a_batch_that_fails_half_way_writes_nothing) {
  const std::string db = temp_db("rollback");
  auto s = Store::open(db, OpenMode::kLearn);
  ASSERT_TRUE(s);
  {
    auto c = detail::Connection::open(db, false);
    ASSERT_TRUE(c);
    ASSERT_TRUE(
        c->exec("CREATE TRIGGER boom BEFORE INSERT ON usage WHEN NEW.command = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'boom'); END;"));
  }
  LearnCounts counts;
  auto r = s->write_batch({execution(1, "whoami"), execution(2, "boom")}, counts);
  ASSERT_FALSE(r);
  EXPECT_EQ(counts.executions, 0u);
  auto b = s->load();
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->usage.empty());
  // The first execution's record key was rolled back too: it counts when written again.
  ASSERT_TRUE(s->write_batch({execution(1, "whoami")}, counts));
  EXPECT_EQ(counts.executions, 1u);
}

}  // namespace
}  // namespace cmdsentry::baseline
