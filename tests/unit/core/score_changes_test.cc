// The tracker's comparison (DiffScoreFeed) over generated boards and feeds:
// a member is written exactly when they have no row, moved team, or their
// SSI to one decimal differs from the row's; and the one-decimal rule at
// its edges.
#include "server/core/score_changes.h"

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

namespace rapport::core {
namespace {

const absl::Time kAsOf = absl::FromUnixSeconds(1764000000);

TEST(FeedChangedTest, ComparesTheSsiToOneDecimal) {
  EXPECT_FALSE(FeedChanged(42.0, 42.04));
  EXPECT_FALSE(FeedChanged(42.04, 41.96));
  EXPECT_TRUE(FeedChanged(42.04, 42.06));
  EXPECT_TRUE(FeedChanged(0, 0.05));  // Halves round away from zero.
  EXPECT_FALSE(FeedChanged(0, 0.049));
  EXPECT_TRUE(FeedChanged(99.9, 100));
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> ssi(0, 100);
  for (int i = 0; i < 10000; ++i) {
    const double a = ssi(rng), b = ssi(rng);
    EXPECT_EQ(FeedChanged(a, b), std::round(a * 10) != std::round(b * 10));
    EXPECT_FALSE(FeedChanged(a, a));
  }
}

TEST(DiffScoreFeedTest, WritesExactlyTheNewMovedAndChangedMembers) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> pillar(0, 25);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::shared_ptr<const board::MemberScore>> members;
    std::vector<store::ScoreFeedEntry> feed;
    std::set<std::string> expected;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      auto m = std::make_shared<board::MemberScore>();
      m->member.member_id = absl::StrCat("m", (i * 17) % 41);
      m->member.team = absl::StrCat("team", rng() % 3);
      m->member.industry = "software";
      for (double& p : m->totals.pillars) {
        p = pillar(rng);
        m->totals.total += p;
      }
      switch (rng() % 5) {
        case 0:  // No row yet.
          expected.insert(m->member.member_id);
          break;
        case 1:  // Moved team.
          feed.push_back({m->member.member_id, "elsewhere", m->totals.total});
          expected.insert(m->member.member_id);
          break;
        default: {  // A row with a score near the current one.
          const double drift = (static_cast<int>(rng() % 9) - 4) * 0.03;
          const double reported = m->totals.total + drift;
          feed.push_back({m->member.member_id, m->member.team, reported});
          if (std::round(reported * 10) != std::round(m->totals.total * 10)) {
            expected.insert(m->member.member_id);
          }
        }
      }
      members.push_back(std::move(m));
    }
    // Rows of members no longer on the board (deleted) change nothing.
    feed.push_back({"gone", "team0", 12});
    std::shuffle(feed.begin(), feed.end(), rng);
    std::map<std::string, const board::MemberScore*> by_id;
    for (const auto& m : members) by_id[m->member.member_id] = m.get();
    const board::Board board(kAsOf, members, scoring::RankOptions{});

    const std::vector<store::ScoreFeedRow> rows = DiffScoreFeed(board, feed);
    std::set<std::string> got;
    std::string last;
    for (const store::ScoreFeedRow& row : rows) {
      EXPECT_GT(row.member_id, last) << "in member_id order, once each";
      last = row.member_id;
      got.insert(row.member_id);
      const board::MemberScore& m = *by_id.at(row.member_id);
      EXPECT_EQ(row.team, m.member.team);
      EXPECT_EQ(row.ssi, m.totals.total);
      for (size_t p = 0; p < row.pillars.size(); ++p) {
        EXPECT_EQ(row.pillars[p], m.totals.pillars[p]);
      }
    }
    EXPECT_EQ(got, expected) << "trial " << trial;
  }
}

}  // namespace
}  // namespace rapport::core
