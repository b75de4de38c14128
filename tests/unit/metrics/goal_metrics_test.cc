// The goal series (goal_metrics.h) over generated goals: one series of each
// family per goal, labelled as documented, valued by the goal's progress.
#include "server/metrics/goal_metrics.h"

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace rapport::metrics {
namespace {

const absl::Time kAsOf = absl::FromUnixSeconds(1764000000);

std::shared_ptr<const board::Board> BoardOf(int members) {
  std::vector<std::shared_ptr<const board::MemberScore>> all;
  for (int i = 0; i < members; ++i) {
    auto m = std::make_shared<board::MemberScore>();
    m->member.member_id = absl::StrCat("m", i);
    m->member.team = absl::StrCat("team", i % 3);
    m->totals.total = 10 + i;
    for (double& p : m->totals.pillars) p = m->totals.total / 4;
    m->totals_7d_ago = m->totals;
    all.push_back(std::move(m));
  }
  return std::make_shared<const board::Board>(kAsOf, std::move(all),
                                              scoring::RankOptions{});
}

std::map<std::string, std::string> LabelsOf(
    const prometheus::ClientMetric& metric) {
  std::map<std::string, std::string> labels;
  for (const auto& l : metric.label) labels[l.name] = l.value;
  return labels;
}

TEST(GoalMetricsTest, NoGoalsNoFamilies) {
  EXPECT_TRUE(GoalFamilies("acme", core::TenantGoals{}, *BoardOf(3)).empty());
}

TEST(GoalMetricsTest, OneSeriesOfEachFamilyPerGoal) {
  std::mt19937 rng(4);
  std::shared_ptr<const board::Board> board = BoardOf(12);
  for (int round = 0; round < 50; ++round) {
    core::TenantGoals goals;
    const int n = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) {
      store::GoalRecord g;
      g.goal_id = absl::StrCat("g_", i);
      if (rng() % 2) {
        g.member_id = absl::StrCat("m", rng() % 12);
      } else {
        g.team = absl::StrCat("team", rng() % 3);
      }
      g.pillar = static_cast<int>(rng() % 5);
      g.target = static_cast<double>(rng() % 26);
      g.due_time = kAsOf + absl::Hours(1 + rng() % 1000);
      goals.goals.push_back(core::GoalView{
          g, core::EvaluateGoal(g, *board, kAsOf, std::nullopt)});
    }
    const std::vector<prometheus::MetricFamily> families =
        GoalFamilies("acme", goals, *board);
    ASSERT_EQ(families.size(), 2u);
    EXPECT_EQ(families[0].name, "rapport_goal_progress");
    EXPECT_EQ(families[1].name, "rapport_goal_off_track");
    ASSERT_EQ(families[0].metric.size(), goals.goals.size());
    ASSERT_EQ(families[1].metric.size(), goals.goals.size());
    for (size_t i = 0; i < goals.goals.size(); ++i) {
      const core::GoalView& v = goals.goals[i];
      for (const auto& family : families) {
        auto labels = LabelsOf(family.metric[i]);
        EXPECT_EQ(labels["tenant"], "acme");
        EXPECT_EQ(labels["goal_id"], v.goal.goal_id);
        EXPECT_EQ(labels["member_id"], v.goal.member_id);
        const std::string team =
            v.goal.team.empty() ? board->Find(v.goal.member_id)->member.team
                                : v.goal.team;
        EXPECT_EQ(labels["team"], team);
        EXPECT_EQ(labels["pillar"] == "total", v.goal.pillar == 0);
      }
      const double progress = families[0].metric[i].gauge.value;
      if (v.goal.target > 0) {
        EXPECT_DOUBLE_EQ(progress, v.progress.current / v.goal.target);
        EXPECT_EQ(progress >= 1, v.progress.status == core::GoalStatus::kMet);
      }
      EXPECT_EQ(families[1].metric[i].gauge.value,
                v.progress.status == core::GoalStatus::kOffTrack ? 1 : 0);
    }
  }
}

}  // namespace
}  // namespace rapport::metrics
