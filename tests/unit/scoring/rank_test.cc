#include "server/scoring/rank.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using ::testing::ElementsAre;

MemberTotals Totals(double total) {
  MemberTotals t;
  t.total = total;
  t.pillars = {total / 4, total / 4, total / 4, total / 4};
  return t;
}

TEST(CompetitionRanksTest, TiesShareTheBestRankAndTheNextSkips) {
  EXPECT_THAT(CompetitionRanks({50, 70, 50, 90, 10}),
              ElementsAre(3, 2, 3, 1, 5));
  EXPECT_THAT(CompetitionRanks({5, 5, 5}), ElementsAre(1, 1, 1));
  EXPECT_THAT(CompetitionRanks({}), ElementsAre());
  EXPECT_THAT(CompetitionRanks({std::nan(""), 1, -1}), ElementsAre(3, 1, 2));
}

TEST(RankGroupTest, RanksAgreeWithTotalsOverRandomGroups) {
  std::mt19937_64 rng(30);
  std::uniform_int_distribution<int> size_of(5, 60);
  // Few distinct values, so that ties are common.
  std::uniform_int_distribution<int> tenths(0, 40);
  for (int round = 0; round < 300; ++round) {
    std::vector<MemberTotals> group(size_of(rng));
    for (MemberTotals& m : group) m = Totals(tenths(rng) * 2.5);
    const std::vector<GroupRank> ranks = RankGroup(group);
    ASSERT_EQ(ranks.size(), group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      EXPECT_FALSE(ranks[i].withheld);
      EXPECT_EQ(ranks[i].out_of, static_cast<int>(group.size()));
      int higher = 0;
      for (const MemberTotals& other : group) {
        if (other.total > group[i].total) ++higher;
      }
      EXPECT_EQ(ranks[i].rank, higher + 1);
      EXPECT_GT(ranks[i].top_percent, 0);
      EXPECT_LE(ranks[i].top_percent, 100);
      for (size_t j = 0; j < group.size(); ++j) {
        if (group[i].total > group[j].total) {
          EXPECT_LT(ranks[i].rank, ranks[j].rank);
          EXPECT_LT(ranks[i].top_percent, ranks[j].top_percent);
        }
        if (group[i].total == group[j].total) {
          EXPECT_EQ(ranks[i].rank, ranks[j].rank);
        }
      }
    }
  }
}

TEST(RankGroupTest, ComputesTopPercentAndAverages) {
  std::vector<MemberTotals> group = {Totals(80), Totals(40), Totals(60),
                                     Totals(40), Totals(20)};
  group[0].pillars = {25, 25, 20, 10};
  const std::vector<GroupRank> r = RankGroup(group);
  EXPECT_EQ(r[0].rank, 1);
  EXPECT_DOUBLE_EQ(r[0].top_percent, 20);
  EXPECT_EQ(r[1].rank, 3);
  EXPECT_EQ(r[3].rank, 3);
  EXPECT_DOUBLE_EQ(r[3].top_percent, 60);
  EXPECT_EQ(r[4].rank, 5);
  EXPECT_DOUBLE_EQ(r[4].top_percent, 100);
  EXPECT_DOUBLE_EQ(r[2].average_total, 48);
  EXPECT_DOUBLE_EQ(r[2].pillar_averages[0], (25 + 10 + 15 + 10 + 5) / 5.0);
  EXPECT_DOUBLE_EQ(r[2].pillar_averages[3], (10 + 10 + 15 + 10 + 5) / 5.0);
}

TEST(RankGroupTest, WithholdsBelowTheMinimumGroupSize) {
  const std::vector<MemberTotals> four = {Totals(1), Totals(2), Totals(3),
                                          Totals(4)};
  for (const GroupRank& r : RankGroup(four)) {
    EXPECT_TRUE(r.withheld);
    EXPECT_EQ(r.withheld_reason,
              "The group has 4 members; ranks and averages are shown from 5");
    EXPECT_EQ(r.rank, 0);
    EXPECT_EQ(r.out_of, 0);
    EXPECT_EQ(r.top_percent, 0);
    EXPECT_EQ(r.average_total, 0);
  }
  EXPECT_FALSE(RankGroup(four, {.min_group_size = 4})[0].withheld);
  EXPECT_TRUE(RankGroup(four, {.min_group_size = 10})[0].withheld);
  EXPECT_EQ(RankGroup(four, {.min_group_size = 0})[3].rank, 1);
  EXPECT_TRUE(RankGroup({}).empty());
}

TEST(RankGroupTest, TotalsOfAScoreFollowThePillarOrder) {
  testutil::MemberGenerator gen(31);
  const ScoreResult s = testutil::ScoreOf(gen.Next(testutil::AsOf()));
  const MemberTotals t = TotalsOf(s);
  EXPECT_EQ(t.total, s.total);
  for (int p = 0; p < kPillarCount; ++p) {
    EXPECT_EQ(t.pillars[p], s.pillars[p].score);
  }
}

}  // namespace
}  // namespace rapport::scoring
