// Helpers of the ScoreBoard tests: a store, a model and a fake clock; a
// readable diff of two boards; the invariants every board must satisfy.
#ifndef RAPPORT_TESTS_UNIT_BOARD_BOARD_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_BOARD_BOARD_TEST_UTIL_H_

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/board/board.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/scoring/model.h"
#include "server/scoring/rank.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board::testing {

using store::testing::MakeContactEvent;
using store::testing::MakeEvent;
using store::testing::MakeMember;
using store::testing::MakeMessage;
using store::testing::OnDay;

inline std::string Describe(const scoring::GroupRank& r) {
  return absl::StrCat(r.rank, "/", r.out_of, " top=", r.top_percent,
                      " avg=", r.average_total, " withheld=", r.withheld);
}

inline std::string Describe(const scoring::MemberTotals& t) {
  return absl::StrCat(t.total, " [", absl::StrJoin(t.pillars, ","), "]");
}

// The member ids of `group`, best first.
inline std::vector<std::string> IdsOf(const Group& group) {
  std::vector<std::string> ids;
  for (const auto& m : group.ranked) ids.push_back(m->member.member_id);
  return ids;
}

// Every difference between two boards of the same tenant, one per line;
// empty when they show the same members with the same scores, totals,
// change_7d, outreach_30d, ranks and orderings. The boards' as_of times
// are not compared.
inline std::string DiffBoards(const Board& want, const Board& got) {
  std::vector<std::string> diffs;
  if (want.size() != got.size()) {
    diffs.push_back(absl::StrCat("size ", want.size(), " vs ", got.size()));
  }
  if (IdsOf(want.Tenant()) != IdsOf(got.Tenant())) {
    diffs.push_back(
        absl::StrCat("tenant order [", absl::StrJoin(IdsOf(want.Tenant()), ","),
                     "] vs [", absl::StrJoin(IdsOf(got.Tenant()), ","), "]"));
  }
  if (want.Tenant().ranks != got.Tenant().ranks) {
    diffs.push_back("tenant ranks differ");
  }
  for (const auto& w : want.members()) {
    const std::string& id = w->member.member_id;
    const MemberScore* g = got.Find(id);
    if (g == nullptr) {
      diffs.push_back(absl::StrCat(id, ": missing"));
      continue;
    }
    auto field = [&](const std::string& name, const std::string& a,
                     const std::string& b) {
      if (a != b)
        diffs.push_back(absl::StrCat(id, ".", name, ": ", a, " vs ", b));
    };
    field("team", w->member.team, g->member.team);
    field("industry", w->member.industry, g->member.industry);
    field("display_name", w->member.display_name, g->member.display_name);
    if (!(w->member.profile == g->member.profile)) {
      diffs.push_back(absl::StrCat(id, ".profile differs"));
    }
    field("totals", Describe(w->totals), Describe(g->totals));
    field("totals_7d_ago", Describe(w->totals_7d_ago),
          Describe(g->totals_7d_ago));
    field("change_7d", absl::StrCat(w->change_7d()),
          absl::StrCat(g->change_7d()));
    field("outreach_30d",
          absl::StrCat(w->outreach_30d.threads_started, "/",
                       w->outreach_30d.threads_answered),
          absl::StrCat(g->outreach_30d.threads_started, "/",
                       g->outreach_30d.threads_answered));
    if (!(w->score == g->score)) {
      diffs.push_back(absl::StrCat(id, ".score differs"));
    }
    if (!(w->ExplainedScore() == g->ExplainedScore())) {
      diffs.push_back(absl::StrCat(id, ".score explanations differ"));
    }
    field("team_rank", Describe(*want.TeamRank(id)),
          Describe(*got.TeamRank(id)));
    field("industry_rank", Describe(*want.IndustryRank(id)),
          Describe(*got.IndustryRank(id)));
  }
  for (const auto& g : got.members()) {
    if (want.Find(g->member.member_id) == nullptr) {
      diffs.push_back(absl::StrCat(g->member.member_id, ": unexpected"));
    }
  }
  for (const auto& [name, team] : want.teams()) {
    const Group* other = got.Team(name);
    if (other == nullptr || IdsOf(team) != IdsOf(*other)) {
      diffs.push_back(absl::StrCat("team ", name, " order differs"));
    }
  }
  return absl::StrJoin(diffs, "\n");
}

// What every board must satisfy whatever happened while it was built: its
// sizes agree, each group holds its members best first, and each rank is
// the one its totals give within that group. Empty when it holds.
inline std::string CheckConsistent(const Board& board, int min_group_size) {
  std::vector<std::string> problems;
  auto check_group = [&](const Group& group, const std::string& what) {
    if (group.ranks.size() != group.ranked.size()) {
      problems.push_back(absl::StrCat(what, ": ranks not aligned"));
      return;
    }
    std::vector<scoring::MemberTotals> totals;
    for (const auto& m : group.ranked) totals.push_back(m->totals);
    scoring::RankOptions options;
    options.min_group_size = min_group_size;
    if (scoring::RankGroup(totals, options) != group.ranks) {
      problems.push_back(absl::StrCat(what, ": ranks disagree with totals"));
    }
    for (size_t i = 1; i < group.ranked.size(); ++i) {
      const MemberScore& a = *group.ranked[i - 1];
      const MemberScore& b = *group.ranked[i];
      if (a.totals.total < b.totals.total ||
          (a.totals.total == b.totals.total &&
           a.member.member_id >= b.member.member_id)) {
        problems.push_back(absl::StrCat(what, ": out of order at ", i));
      }
    }
  };
  if (board.members().size() != board.size()) {
    problems.push_back("members() and Tenant() sizes differ");
  }
  check_group(board.Tenant(), "tenant");
  size_t in_teams = 0;
  for (const auto& [name, team] : board.teams()) {
    check_group(team, "team " + name);
    in_teams += team.ranked.size();
    for (size_t i = 0; i < team.ranked.size(); ++i) {
      const std::string& id = team.ranked[i]->member.member_id;
      if (team.ranked[i]->member.team != name) {
        problems.push_back(absl::StrCat(id, " in the wrong team"));
      }
      if (board.Find(id) != team.ranked[i].get()) {
        problems.push_back(absl::StrCat(id, ": Find disagrees"));
      }
      if (board.TeamRank(id) == nullptr ||
          !(*board.TeamRank(id) == team.ranks[i])) {
        problems.push_back(absl::StrCat(id, ": TeamRank disagrees"));
      }
    }
  }
  if (in_teams != board.size()) {
    problems.push_back(absl::StrCat("teams hold ", in_teams, " of ",
                                    board.size(), " members"));
  }
  for (const auto& m : board.members()) {
    // A past day's board keeps the total of each score, not its pillars.
    const scoring::MemberTotals t = scoring::TotalsOf(m->score.Unpack());
    const bool past_day = m->score.Unpack().pillars.empty();
    if (t.total != m->totals.total ||
        (!past_day && t.pillars != m->totals.pillars)) {
      problems.push_back(
          absl::StrCat(m->member.member_id, ": totals not of its score"));
    }
  }
  return absl::StrJoin(problems, "\n");
}

// A full build of the tenant's current board: a ScoreBoard that has seen
// nothing before.
inline std::shared_ptr<const Board> FullBuild(
    store::Store* store, const scoring::ScoringModel* model, const Clock* clock,
    const store::TenantId& tenant, ScoreBoardOptions options) {
  ScoreBoard fresh(store, model, clock, options);
  auto board = fresh.Get(tenant, std::nullopt);
  EXPECT_TRUE(board.ok()) << board.status();
  return board.ok() ? *board : nullptr;
}

}  // namespace rapport::board::testing

#endif  // RAPPORT_TESTS_UNIT_BOARD_BOARD_TEST_UTIL_H_
