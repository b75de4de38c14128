// The score changes feed: sequence numbers that only grow (even when the
// member holding the highest one is deleted), the previous SSI kept, rows of
// missing members skipped, pages by sequence range in member_id order over
// generated feeds, tenants kept apart.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeMember;

ScoreFeedRow Row(const std::string& member, double ssi,
                 const std::string& team = "t") {
  ScoreFeedRow r;
  r.member_id = member;
  r.team = team;
  r.ssi = ssi;
  r.pillars = {ssi / 4, ssi / 4, ssi / 4, ssi / 4};
  return r;
}

std::vector<ScoreFeedRow> All(Store& store, const TenantId& tenant,
                              int64_t after, int64_t upto,
                              const std::string& team = "", int page = 3) {
  std::vector<ScoreFeedRow> rows;
  ScoreFeedQuery q{.team = team,
                   .after_seq = after,
                   .upto_seq = upto,
                   .after_member_id = "",
                   .page_size = page};
  while (true) {
    absl::StatusOr<ScoreFeedPage> p = store.ListScoreFeed(tenant, q);
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) break;
    EXPECT_LE(static_cast<int>(p->rows.size()), page);
    rows.insert(rows.end(), p->rows.begin(), p->rows.end());
    if (!p->has_more) break;
    q.after_member_id = p->rows.back().member_id;
  }
  return rows;
}

class FeedTest : public testing::StoreConformanceTest {};

TEST_P(FeedTest, NumbersGrowAndThePreviousSsiIsKept) {
  Store* store = store_.get();
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(store->UpsertMember("t1", MakeMember(id), At(0)).ok());
  }
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 0);
  ASSERT_EQ(*store->WriteScoreFeed(
                "t1", {Row("a", 10), Row("b", 20), Row("c", 30)}, At(1)),
            3);
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 3);
  ASSERT_EQ(*store->WriteScoreFeed("t1", {Row("b", 21)}, At(2)), 1);
  std::vector<ScoreFeedRow> rows = All(*store, "t1", 0, 4);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].member_id, "b");
  EXPECT_EQ(rows[1].seq, 4);
  EXPECT_EQ(rows[1].ssi, 21);
  ASSERT_TRUE(rows[1].previous_ssi.has_value());
  EXPECT_EQ(*rows[1].previous_ssi, 20);
  EXPECT_EQ(rows[1].change_time, At(2));
  EXPECT_FALSE(rows[0].previous_ssi.has_value());
  EXPECT_EQ(rows[0].pillars[3], 2.5);

  // The member with the highest number is erased: no number is reused.
  ASSERT_TRUE(store->DeleteMember("t1", "b").ok());
  EXPECT_EQ(All(*store, "t1", 0, 100).size(), 2u);
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 4);
  ASSERT_TRUE(store->UpsertMember("t1", MakeMember("b"), At(3)).ok());
  ASSERT_EQ(*store->WriteScoreFeed("t1", {Row("b", 5)}, At(3)), 1);
  rows = All(*store, "t1", 4, 5);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 5);
  EXPECT_FALSE(rows[0].previous_ssi.has_value());
}

TEST_P(FeedTest, RowsOfMissingMembersAreSkipped) {
  Store* store = store_.get();
  ASSERT_TRUE(store->UpsertMember("t1", MakeMember("a"), At(0)).ok());
  EXPECT_EQ(*store->WriteScoreFeed("t1", {Row("ghost", 1), Row("a", 2)}, At(1)),
            1);
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 1);
  EXPECT_EQ(*store->WriteScoreFeed("t1", {Row("ghost", 1)}, At(1)), 0);
  EXPECT_EQ(*store->ScoreFeedSeq("t1"), 1);
  // Another tenant's member of the same id is not this tenant's.
  EXPECT_EQ(*store->WriteScoreFeed("t2", {Row("a", 2)}, At(1)), 0);
  EXPECT_TRUE(All(*store, "t2", 0, 10).empty());
  EXPECT_EQ(store->WriteScoreFeed("t1", {Row("a", NAN)}, At(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(FeedTest, PagesListEachRowInItsRangeOnceInMemberOrder) {
  Store* store = store_.get();
  std::mt19937 rng(5);
  const char* const teams[] = {"x", "y"};
  std::map<std::string, std::string> team_of;
  for (int i = 0; i < 60; ++i) {
    const std::string id = absl::StrCat("m", 1000 + i * 7 % 60);
    team_of[id] = teams[rng() % 2];
    ASSERT_TRUE(store->UpsertMember("t1", MakeMember(id), At(0)).ok());
  }
  // Generated passes: random members change, in random order.
  std::map<std::string, int64_t> seq_of;
  int64_t seq = 0;
  for (int pass = 0; pass < 8; ++pass) {
    std::vector<ScoreFeedRow> changes;
    std::set<std::string> chosen;
    for (const auto& [id, team] : team_of) {
      if (rng() % 3 == 0) chosen.insert(id);
    }
    std::vector<std::string> order(chosen.begin(), chosen.end());
    std::shuffle(order.begin(), order.end(), rng);
    for (const std::string& id : order) {
      changes.push_back(Row(id, pass, team_of[id]));
    }
    ASSERT_EQ(*store->WriteScoreFeed("t1", changes, At(pass)),
              static_cast<int64_t>(changes.size()));
    for (const ScoreFeedRow& c : changes) seq_of[c.member_id] = ++seq;
  }
  ASSERT_EQ(*store->ScoreFeedSeq("t1"), seq);
  for (int trial = 0; trial < 40; ++trial) {
    const int64_t after = static_cast<int64_t>(rng() % (seq + 1));
    const int64_t upto =
        after + static_cast<int64_t>(rng() % (seq + 1 - after));
    const std::string team = trial % 3 == 0 ? "" : teams[trial % 2];
    std::vector<std::string> expected;
    for (const auto& [id, s] : seq_of) {  // A map: member_id order.
      if (s > after && s <= upto && (team.empty() || team_of[id] == team)) {
        expected.push_back(id);
      }
    }
    std::vector<std::string> got;
    for (const ScoreFeedRow& r :
         All(*store, "t1", after, upto, team, 1 + trial % 5)) {
      got.push_back(r.member_id);
      EXPECT_EQ(r.seq, seq_of[r.member_id]);
    }
    EXPECT_EQ(got, expected) << after << ".." << upto << " team " << team;
  }
}

RAPPORT_STORE_CONFORMANCE(FeedTest);

}  // namespace
}  // namespace rapport::store
