// EvidenceList: one record inline, more in a vector made on demand; it must behave like the
// vector it replaced for every operation the pipeline uses.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cmdsentry/event.h"

namespace cmdsentry {
namespace {

std::shared_ptr<const RawEvent> record(std::uint64_t id) {
  auto r = std::make_shared<RawEvent>();
  r->record_id = id;
  return r;
}

std::vector<std::uint64_t> ids(const EvidenceList& list) {
  std::vector<std::uint64_t> out;
  for (const auto& r : list) out.push_back(r->record_id);
  return out;
}

TEST(EvidenceList, keeps_order_through_copy_move_and_growth) {
  EvidenceList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.begin(), list.end());
  list.push_back(nullptr);  // not stored
  EXPECT_TRUE(list.empty());
  for (std::uint64_t i = 1; i <= 5; ++i) list.push_back(record(i));
  EXPECT_EQ(list.size(), 5u);
  EXPECT_EQ(ids(list), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(list.front()->record_id, 1u);
  EXPECT_EQ(list[4]->record_id, 5u);

  EvidenceList copy = list;
  list.push_back(record(6));
  EXPECT_EQ(ids(copy), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(list.size(), 6u);
  copy = list;
  EXPECT_EQ(ids(copy), ids(list));

  EvidenceList moved = std::move(copy);
  EXPECT_EQ(moved.size(), 6u);
  EvidenceList target;
  for (auto& r : moved) target.push_back(std::move(r));  // merge.cpp moves records over
  EXPECT_EQ(ids(target), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));

  EvidenceList one;
  one.push_back(record(9));
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(ids(one), std::vector<std::uint64_t>{9});
}

}  // namespace
}  // namespace cmdsentry
