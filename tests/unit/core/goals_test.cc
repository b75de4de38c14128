// The goal rule (core/goals.h) over generated boards: status, projection
// and remaining hold for every generated member, team, pillar and due time.
#include "server/core/goals.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace rapport::core {
namespace {

const absl::Time kAsOf = absl::FromUnixSeconds(1764000000) + absl::Hours(5);

// A board of random members over a few teams: random totals and pillars,
// random 7-day changes (up and down), and a non-rising forecast for some
// members (empty for the others).
std::shared_ptr<const board::Board> GenerateBoard(std::mt19937& rng) {
  std::uniform_real_distribution<double> pillar(0, 25);
  std::uniform_real_distribution<double> change(-3, 3);
  std::uniform_int_distribution<int> size(1, 12);
  std::vector<std::shared_ptr<const board::MemberScore>> members;
  const int teams = 1 + static_cast<int>(rng() % 4);
  int next = 0;
  for (int t = 0; t < teams; ++t) {
    const int n = size(rng);
    for (int i = 0; i < n; ++i) {
      auto m = std::make_shared<board::MemberScore>();
      m->member.member_id = absl::StrCat("m", next++);
      m->member.team = absl::StrCat("team", t);
      m->member.industry = "software";
      m->totals.total = 0;
      for (size_t p = 0; p < m->totals.pillars.size(); ++p) {
        m->totals.pillars[p] = pillar(rng);
        m->totals.total += m->totals.pillars[p];
        m->totals_7d_ago.pillars[p] =
            std::clamp(m->totals.pillars[p] - change(rng), 0.0, 25.0);
        m->totals_7d_ago.total += m->totals_7d_ago.pillars[p];
      }
      if (rng() % 2 == 0) {
        // Each day a little lower, never higher.
        scoring::MemberTotals day = m->totals;
        for (int d = 0; d < scoring::kForecastDays; ++d) {
          day.total = 0;
          for (double& v : day.pillars) {
            v = std::max(0.0, v - (rng() % 3) * 0.1);
            day.total += v;
          }
          m->forecast.daily.push_back(day);
        }
      }
      members.push_back(std::move(m));
    }
  }
  return std::make_shared<const board::Board>(kAsOf, std::move(members),
                                              scoring::RankOptions{});
}

store::GoalRecord RandomGoal(std::mt19937& rng, const board::Board& board) {
  store::GoalRecord goal;
  goal.goal_id = absl::StrCat("g_", rng());
  goal.pillar = static_cast<int>(rng() % 5);
  const double scale = GoalScale(static_cast<model::Pillar>(goal.pillar));
  goal.target = std::uniform_real_distribution<double>(0, scale)(rng);
  if (rng() % 2 == 0) {
    const auto& all = board.members();
    goal.member_id = all[rng() % all.size()]->member.member_id;
  } else {
    auto it = board.teams().begin();
    std::advance(it, rng() % board.teams().size());
    goal.team = it->first;
  }
  // From a few hours to about two months ahead.
  goal.due_time = kAsOf + absl::Minutes(60 + rng() % (60 * 24 * 60));
  return goal;
}

double Value(const board::MemberScore& m, int pillar) {
  return board::ValueOf(m.totals, static_cast<model::Pillar>(pillar));
}

TEST(GoalRuleTest, BeforeTheDueTimeStatusFollowsCurrentAndProjection) {
  std::mt19937 rng(20261130);
  for (int round = 0; round < 300; ++round) {
    std::shared_ptr<const board::Board> board = GenerateBoard(rng);
    for (int g = 0; g < 10; ++g) {
      const store::GoalRecord goal = RandomGoal(rng, *board);
      const GoalProgress p = EvaluateGoal(goal, *board, kAsOf, std::nullopt);
      // current: the member's value, or the mean over the team.
      const std::vector<const board::MemberScore*> members =
          GoalMembers(goal, *board);
      ASSERT_FALSE(members.empty());
      double sum = 0;
      for (const board::MemberScore* m : members) sum += Value(*m, goal.pillar);
      EXPECT_NEAR(p.current, sum / members.size(), 1e-9);
      // MET iff current >= target; otherwise ON_TRACK iff projected reaches.
      EXPECT_EQ(p.status == GoalStatus::kMet, p.current >= goal.target);
      if (p.current < goal.target) {
        EXPECT_EQ(p.status, p.projected >= goal.target ? GoalStatus::kOnTrack
                                                       : GoalStatus::kOffTrack);
      }
      EXPECT_DOUBLE_EQ(p.remaining, std::max(0.0, goal.target - p.current));
      EXPECT_GE(p.remaining, 0);
      EXPECT_LE(p.projected,
                GoalScale(static_cast<model::Pillar>(goal.pillar)) + 1e-9);
    }
  }
}

TEST(GoalRuleTest, ProjectionIsTheLargerOfForecastAndTrend) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::shared_ptr<const board::Board> board = GenerateBoard(rng);
    for (const auto& m : board->members()) {
      const int pillar = static_cast<int>(rng() % 5);
      const auto p = static_cast<model::Pillar>(pillar);
      const absl::Time due = kAsOf + absl::Minutes(rng() % (60 * 24 * 90));
      const double projected = ProjectMember(*m, p, kAsOf, due);
      const double current = Value(*m, pillar);
      const double change = current - board::ValueOf(m->totals_7d_ago, p);
      const double days = absl::ToDoubleHours(due - kAsOf) / 24;
      const double trend = current + std::max(0.0, change) / 7 * days;
      // Never below the forecast, nor below the trend (up to the scale).
      EXPECT_GE(projected + 1e-9, std::min(trend, GoalScale(p)));
      if (!m->forecast.empty()) {
        const int midnights =
            static_cast<int>(absl::ToCivilDay(due, absl::UTCTimeZone()) -
                             absl::ToCivilDay(kAsOf, absl::UTCTimeZone()));
        EXPECT_GE(projected + 1e-9,
                  board::ValueOf(m->forecast.At(midnights, m->totals), p));
      }
      // A member gaining (or holding) points is projected at least at their
      // current value.
      if (change >= 0) {
        EXPECT_GE(projected + 1e-9, current);
      }
      EXPECT_LE(projected, std::max(GoalScale(p), current) + 1e-9);
    }
  }
}

TEST(GoalRuleTest, WithoutForecastOrGainTheProjectionIsTheCurrentValue) {
  std::mt19937 rng(11);
  for (int round = 0; round < 100; ++round) {
    std::shared_ptr<const board::Board> board = GenerateBoard(rng);
    for (const auto& m : board->members()) {
      board::MemberScore flat = *m;
      flat.forecast.daily.clear();
      flat.totals_7d_ago = flat.totals;  // No change.
      const absl::Time due = kAsOf + absl::Hours(1 + rng() % 2000);
      for (int pillar = 0; pillar < 5; ++pillar) {
        EXPECT_DOUBLE_EQ(
            ProjectMember(flat, static_cast<model::Pillar>(pillar), kAsOf, due),
            Value(flat, pillar));
      }
    }
  }
}

TEST(GoalRuleTest, AfterTheDueTimeTheValueAtTheDueTimeDecides) {
  std::mt19937 rng(3);
  for (int round = 0; round < 200; ++round) {
    std::shared_ptr<const board::Board> board = GenerateBoard(rng);
    store::GoalRecord goal = RandomGoal(rng, *board);
    goal.due_time = kAsOf - absl::Hours(1 + rng() % 100);
    const double at_due = std::uniform_real_distribution<double>(0, 100)(rng);
    const GoalProgress p = EvaluateGoal(goal, *board, kAsOf, at_due);
    EXPECT_EQ(p.status, at_due >= goal.target ? GoalStatus::kAchieved
                                              : GoalStatus::kMissed);
    EXPECT_EQ(p.projected, at_due);
    EXPECT_DOUBLE_EQ(p.remaining, std::max(0.0, goal.target - p.current));
  }
}

TEST(GoalRuleTest, ASubjectWithoutMembersIsUnspecified) {
  std::mt19937 rng(5);
  std::shared_ptr<const board::Board> board = GenerateBoard(rng);
  store::GoalRecord goal;
  goal.team = "nobody";
  goal.target = 10;
  goal.due_time = kAsOf + absl::Hours(30);
  EXPECT_EQ(EvaluateGoal(goal, *board, kAsOf, std::nullopt).status,
            GoalStatus::kUnspecified);
  goal.team.clear();
  goal.member_id = "ghost";
  EXPECT_EQ(EvaluateGoal(goal, *board, kAsOf, std::nullopt).status,
            GoalStatus::kUnspecified);
}

TEST(GoalRuleTest, OnTrackMarksAreFalseExactlyWhenAGoalIsOffTrack) {
  std::mt19937 rng(9);
  for (int round = 0; round < 100; ++round) {
    std::shared_ptr<const board::Board> board = GenerateBoard(rng);
    TenantGoals goals;
    for (int g = 0; g < 15; ++g) {
      store::GoalRecord goal = RandomGoal(rng, *board);
      if (rng() % 4 == 0) goal.due_time = kAsOf - absl::Hours(1);
      goals.goals.push_back(
          GoalView{goal, EvaluateGoal(goal, *board, kAsOf, 50.0)});
    }
    const std::map<std::string, bool> marks = GoalsOnTrack(goals);
    for (const auto& [member, on_track] : marks) {
      bool any_open = false;
      bool any_off = false;
      for (const GoalView* v : goals.OfMember(member)) {
        const GoalStatus s = v->progress.status;
        any_open |= s == GoalStatus::kMet || s == GoalStatus::kOnTrack ||
                    s == GoalStatus::kOffTrack;
        any_off |= s == GoalStatus::kOffTrack;
      }
      EXPECT_TRUE(any_open) << member;
      EXPECT_EQ(on_track, !any_off) << member;
    }
    for (const GoalView& v : goals.goals) {
      if (!v.goal.member_id.empty() && v.goal.due_time > kAsOf) {
        EXPECT_TRUE(marks.count(v.goal.member_id)) << v.goal.member_id;
      }
    }
  }
}

}  // namespace
}  // namespace rapport::core
