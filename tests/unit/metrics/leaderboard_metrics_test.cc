#include "server/metrics/leaderboard_metrics.h"

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

const absl::Time kAsOf = absl::FromUnixSeconds(1764000000);

struct Rep {
  std::string id;
  std::string team;
  double total = 0;
  double total_7d_ago = 0;
  int64_t started = 0;
  int64_t answered = 0;
  std::optional<absl::Time> last_event;
  // Points lost per projected day; negative: no forecast.
  double fall_per_day = -1;
};

std::shared_ptr<const board::MemberScore> ScoreOf(const Rep& rep) {
  auto m = std::make_shared<board::MemberScore>();
  m->member.member_id = rep.id;
  m->member.team = rep.team;
  m->member.industry = "software";
  m->member.last_event_time = rep.last_event;
  m->totals.total = rep.total;
  for (double& p : m->totals.pillars) p = rep.total / 4;
  m->totals_7d_ago.total = rep.total_7d_ago;
  m->outreach_30d.threads_started = rep.started;
  m->outreach_30d.threads_answered = rep.answered;
  if (rep.fall_per_day >= 0) {
    m->forecast.as_of = kAsOf;
    for (int d = 1; d <= scoring::kForecastDays; ++d) {
      scoring::MemberTotals t;
      t.total = std::max(0.0, rep.total - rep.fall_per_day * d);
      for (double& p : t.pillars) p = t.total / 4;
      m->forecast.daily.push_back(t);
    }
  }
  return m;
}

std::shared_ptr<const board::Board> BoardOf(const std::vector<Rep>& reps) {
  std::vector<std::shared_ptr<const board::MemberScore>> members;
  for (const Rep& r : reps) members.push_back(ScoreOf(r));
  return std::make_shared<const board::Board>(kAsOf, std::move(members),
                                              scoring::RankOptions{});
}

// Generated reps over a few teams of random sizes, with random scores (ties
// included), changes, outreach and activity.
std::vector<Rep> GenerateReps(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> team_size(1, 25);
  std::uniform_int_distribution<int> score(0, 1000);
  std::uniform_int_distribution<int> change(-150, 100);
  std::uniform_int_distribution<int> threads(0, 40);
  std::bernoulli_distribution active(0.8);
  std::vector<Rep> reps;
  const int teams = 1 + static_cast<int>(rng() % 5);
  for (int t = 0; t < teams; ++t) {
    const int n = team_size(rng);
    for (int i = 0; i < n; ++i) {
      Rep r;
      r.id = absl::StrCat("rep-", t, "-", i);
      r.team = absl::StrCat("team-", t);
      r.total = score(rng) / 10.0;
      r.total_7d_ago = std::clamp(r.total - change(rng) / 10.0, 0.0, 100.0);
      r.started = threads(rng);
      r.answered =
          r.started == 0 ? 0 : static_cast<int64_t>(rng() % (r.started + 1));
      if (active(rng)) r.last_event = kAsOf - absl::Hours(rng() % 900);
      reps.push_back(r);
    }
  }
  return reps;
}

const MetricFamily* FamilyNamed(const std::vector<MetricFamily>& families,
                                const std::string& name) {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Label(const ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label) {
    if (l.name == name) return l.value;
  }
  return "";
}

// Series of `family` keyed by the value of `label` (with an optional filter
// on another label).
std::map<std::string, double> ByLabel(const std::vector<MetricFamily>& families,
                                      const std::string& family,
                                      const std::string& label,
                                      const std::string& pillar = "") {
  std::map<std::string, double> out;
  const MetricFamily* f = FamilyNamed(families, family);
  if (f == nullptr) return out;
  for (const ClientMetric& m : f->metric) {
    if (!pillar.empty() && Label(m, "pillar") != pillar) continue;
    EXPECT_TRUE(out.emplace(Label(m, label), m.gauge.value).second)
        << family << " repeats " << Label(m, label);
  }
  return out;
}

// Every member exported unless the options say otherwise.
const LeaderboardMetricsOptions kAllMembers{.all_members = true};

std::vector<MetricFamily> Families(const std::vector<Rep>& reps,
                                   LeaderboardMetricsOptions options) {
  const std::vector<TenantBoard> boards = {{"default", BoardOf(reps)}};
  return LeaderboardFamilies(boards, options);
}

TEST(LeaderboardMetricsTest, EveryFamilyIsAGaugeWithHelpAndConventionalName) {
  for (const MetricFamily& f : Families(GenerateReps(1), kAllMembers)) {
    EXPECT_EQ(f.type, prometheus::MetricType::Gauge) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_EQ(f.name.rfind("rapport_", 0), 0u) << f.name;
    EXPECT_FALSE(f.name.ends_with("_total")) << f.name << " is not a counter";
  }
}

TEST(LeaderboardMetricsTest, MemberSeriesCarryTheBoardsFiguresForAllInputs) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = GenerateReps(seed);
    const auto families = Families(reps, kAllMembers);
    const auto ssi = ByLabel(families, "rapport_member_ssi", "member");
    const auto change =
        ByLabel(families, "rapport_member_ssi_change_7d", "member");
    const auto ratio =
        ByLabel(families, "rapport_member_reply_ratio", "member");
    const auto threads =
        ByLabel(families, "rapport_member_threads_started_30d", "member");
    const auto last = ByLabel(
        families, "rapport_member_last_activity_timestamp_seconds", "member");
    const auto brand = ByLabel(families, "rapport_member_pillar_score",
                               "member", "professional_brand");
    ASSERT_EQ(ssi.size(), reps.size());
    for (const Rep& r : reps) {
      EXPECT_DOUBLE_EQ(ssi.at(r.id), r.total);
      EXPECT_DOUBLE_EQ(brand.at(r.id), r.total / 4);
      EXPECT_DOUBLE_EQ(change.at(r.id), r.total - r.total_7d_ago);
      EXPECT_DOUBLE_EQ(threads.at(r.id), static_cast<double>(r.started));
      if (r.started > 0) {
        EXPECT_DOUBLE_EQ(ratio.at(r.id), static_cast<double>(r.answered) /
                                             static_cast<double>(r.started));
      } else {
        EXPECT_FALSE(ratio.contains(r.id)) << "no sample, no ratio";
      }
      if (r.last_event.has_value()) {
        EXPECT_DOUBLE_EQ(last.at(r.id), absl::ToDoubleSeconds(
                                            *r.last_event - absl::UnixEpoch()));
      } else {
        EXPECT_FALSE(last.contains(r.id));
      }
    }
  }
}

TEST(LeaderboardMetricsTest, TeamSeriesAggregateTheirMembersForAllInputs) {
  // K = 0 exports no member: the team series still count every one.
  const LeaderboardMetricsOptions options{.member_top_k = 0,
                                          .decline_points = 5};
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = GenerateReps(seed);
    const auto families = Families(reps, options);
    std::map<std::string, std::vector<Rep>> teams;
    for (const Rep& r : reps) teams[r.team].push_back(r);
    const auto members = ByLabel(families, "rapport_team_members", "team");
    const auto average = ByLabel(families, "rapport_team_ssi_average", "team");
    const auto median = ByLabel(families, "rapport_team_ssi_median", "team");
    const auto change = ByLabel(families, "rapport_team_ssi_change_7d", "team");
    const auto declining =
        ByLabel(families, "rapport_team_members_declining", "team");
    const auto ratio = ByLabel(families, "rapport_team_reply_ratio", "team");
    const auto pillar = ByLabel(families, "rapport_team_pillar_average", "team",
                                "build_relationships");
    ASSERT_EQ(members.size(), teams.size());
    for (const auto& [team, list] : teams) {
      const double n = static_cast<double>(list.size());
      std::vector<double> totals;
      double sum = 0, sum_before = 0;
      int64_t started = 0, answered = 0, falls = 0;
      for (const Rep& r : list) {
        totals.push_back(r.total);
        sum += r.total;
        sum_before += r.total_7d_ago;
        started += r.started;
        answered += r.answered;
        if (r.total - r.total_7d_ago <= -5) ++falls;
      }
      std::sort(totals.begin(), totals.end());
      const double mid =
          (totals[(totals.size() - 1) / 2] + totals[totals.size() / 2]) / 2;
      EXPECT_DOUBLE_EQ(members.at(team), n);
      EXPECT_NEAR(average.at(team), sum / n, 1e-9);
      EXPECT_NEAR(pillar.at(team), sum / n / 4, 1e-9);
      EXPECT_DOUBLE_EQ(median.at(team), mid);
      EXPECT_NEAR(change.at(team), (sum - sum_before) / n, 1e-9);
      EXPECT_DOUBLE_EQ(declining.at(team), static_cast<double>(falls));
      if (started > 0) {
        EXPECT_DOUBLE_EQ(ratio.at(team), static_cast<double>(answered) /
                                             static_cast<double>(started));
      } else {
        EXPECT_FALSE(ratio.contains(team));
      }
    }
  }
}

TEST(LeaderboardMetricsTest, TopKExportsTheBestAndWorstOfEachTeamOnly) {
  for (int k : {0, 1, 2, 5, 10}) {
    for (uint32_t seed = 1; seed <= 30; ++seed) {
      SCOPED_TRACE(absl::StrCat("k=", k, " seed=", seed));
      const std::vector<Rep> reps = GenerateReps(seed);
      const auto all = Families(reps, kAllMembers);
      const auto some = Families(reps, {.member_top_k = k});
      const std::vector<TenantBoard> boards = {{"default", BoardOf(reps)}};
      const auto exported = ByLabel(some, "rapport_member_ssi", "member");
      size_t expected_count = 0;
      for (const auto& [name, team] : boards[0].board->teams()) {
        const size_t n = team.ranked.size();
        expected_count += std::min(n, static_cast<size_t>(2 * k));
        // Every exported member of the team scores at least as well as every
        // unexported one in the top half, and no better in the bottom half.
        for (size_t i = 0; i < n; ++i) {
          const std::string& id = team.ranked[i]->member.member_id;
          const bool best = i < static_cast<size_t>(k);
          const bool worst = i + k >= n;
          EXPECT_EQ(exported.contains(id), best || worst) << id;
        }
      }
      EXPECT_EQ(exported.size(), expected_count);
      EXPECT_EQ(ByLabel(some, "rapport_tenant_members_exported", "tenant")
                    .at("default"),
                static_cast<double>(expected_count));
      // Team and tenant series do not depend on K.
      for (const char* family :
           {"rapport_team_members", "rapport_team_ssi_average",
            "rapport_team_ssi_median", "rapport_team_members_declining",
            "rapport_team_ssi_change_7d", "rapport_team_threads_started_30d"}) {
        EXPECT_EQ(ByLabel(some, family, "team"), ByLabel(all, family, "team"))
            << family;
      }
    }
  }
}

TEST(LeaderboardMetricsTest, DefaultsExportTheTenBestAndTenWorstOfEachTeam) {
  const LeaderboardMetricsOptions defaults;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = GenerateReps(seed);
    const auto bounded = Families(reps, defaults);
    const auto ten = Families(reps, {.member_top_k = 10});
    EXPECT_EQ(ByLabel(bounded, "rapport_member_ssi", "member"),
              ByLabel(ten, "rapport_member_ssi", "member"));
    std::map<std::string, size_t> team_sizes;
    for (const Rep& r : reps) ++team_sizes[r.team];
    size_t expected = 0;
    for (const auto& [team, n] : team_sizes)
      expected += std::min<size_t>(n, 20);
    EXPECT_EQ(ByLabel(bounded, "rapport_member_ssi", "member").size(),
              expected);
    EXPECT_EQ(ByLabel(bounded, "rapport_tenant_members_exported", "tenant")
                  .at("default"),
              static_cast<double>(expected));
  }
}

TEST(LeaderboardMetricsTest, AllMembersExportsEveryMemberWhateverK) {
  for (int k : {0, 1, 10}) {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
      SCOPED_TRACE(absl::StrCat("k=", k, " seed=", seed));
      const std::vector<Rep> reps = GenerateReps(seed);
      const auto families =
          Families(reps, {.member_top_k = k, .all_members = true});
      std::set<std::string> ids;
      for (const Rep& r : reps) ids.insert(r.id);
      std::set<std::string> exported;
      for (const auto& [id, value] :
           ByLabel(families, "rapport_member_ssi", "member")) {
        exported.insert(id);
      }
      EXPECT_EQ(exported, ids);
      EXPECT_EQ(ByLabel(families, "rapport_tenant_members_exported", "tenant")
                    .at("default"),
                static_cast<double>(reps.size()));
    }
  }
}

TEST(LeaderboardMetricsTest, EveryMemberSeriesIsLabelledForRouting) {
  for (const MetricFamily& f : Families(GenerateReps(7), kAllMembers)) {
    const bool member = f.name.rfind("rapport_member_", 0) == 0;
    const bool team = f.name.rfind("rapport_team_", 0) == 0;
    for (const ClientMetric& m : f.metric) {
      EXPECT_EQ(Label(m, "tenant"), "default") << f.name;
      if (member || team) {
        EXPECT_FALSE(Label(m, "team").empty()) << f.name;
      }
      if (member) {
        EXPECT_FALSE(Label(m, "member").empty()) << f.name;
      }
    }
  }
}

TEST(LeaderboardMetricsTest, TenantSeriesAndEmptyBoards) {
  const std::vector<TenantBoard> boards = {
      {"acme", BoardOf(GenerateReps(3))},
      {"empty", BoardOf({})},
  };
  const auto families = LeaderboardFamilies(boards, {});
  const auto members = ByLabel(families, "rapport_tenant_members", "tenant");
  EXPECT_EQ(members.at("acme"), static_cast<double>(GenerateReps(3).size()));
  EXPECT_EQ(members.at("empty"), 0);
  const auto as_of =
      ByLabel(families, "rapport_scores_timestamp_seconds", "tenant");
  EXPECT_DOUBLE_EQ(as_of.at("empty"),
                   absl::ToDoubleSeconds(kAsOf - absl::UnixEpoch()));
  // No family is exported without a series.
  for (const MetricFamily& f : LeaderboardFamilies({}, {})) {
    ADD_FAILURE() << f.name << " exported with no board";
  }
}

// Reps with forecasts: each loses 0 to 2 points a projected day.
std::vector<Rep> WithForecasts(std::vector<Rep> reps, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> fall(0, 20);
  for (Rep& r : reps) r.fall_per_day = fall(rng) / 10.0;
  return reps;
}

double Projected(const Rep& r, int days) {
  return std::max(0.0, r.total - r.fall_per_day * days);
}

TEST(LeaderboardMetricsTest, ForecastSeriesFollowTheForecastForAllInputs) {
  const LeaderboardMetricsOptions options{
      .all_members = true, .decline_points = 5, .score_floor = 40};
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = WithForecasts(GenerateReps(seed), seed);
    const auto families = Families(reps, options);
    std::map<std::string, std::vector<const Rep*>> teams;
    for (const Rep& r : reps) teams[r.team].push_back(&r);
    for (int h : scoring::kForecastHorizons) {
      const std::string horizon = absl::StrCat(h, "d");
      std::map<std::string, double> member;
      for (const ClientMetric& m :
           FamilyNamed(families, "rapport_member_ssi_forecast")->metric) {
        if (Label(m, "horizon") == horizon) {
          member[Label(m, "member")] = m.gauge.value;
        }
      }
      ASSERT_EQ(member.size(), reps.size());
      for (const Rep& r : reps)
        EXPECT_DOUBLE_EQ(member.at(r.id), Projected(r, h));
      std::map<std::string, double> team;
      for (const ClientMetric& m :
           FamilyNamed(families, "rapport_team_ssi_forecast_average")->metric) {
        if (Label(m, "horizon") == horizon)
          team[Label(m, "team")] = m.gauge.value;
      }
      for (const auto& [name, members] : teams) {
        double sum = 0;
        for (const Rep* r : members) sum += Projected(*r, h);
        EXPECT_NEAR(team.at(name), sum / members.size(), 1e-9) << name;
      }
    }
    const auto below =
        ByLabel(families, "rapport_team_members_forecast_below_floor", "team");
    for (const auto& [name, members] : teams) {
      int64_t n = 0;
      for (const Rep* r : members) {
        n += r->total >= 40 && Projected(*r, 7) < 40 ? 1 : 0;
      }
      EXPECT_EQ(below.at(name), static_cast<double>(n)) << name;
    }
  }
}

TEST(LeaderboardMetricsTest, MembersAtRiskAreExportedSteepestFirst) {
  const LeaderboardMetricsOptions options{.member_top_k = 2,
                                          .decline_points = 5};
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = WithForecasts(GenerateReps(seed), seed);
    const auto ssi =
        ByLabel(Families(reps, options), "rapport_member_ssi", "member");
    std::map<std::string, std::vector<Rep>> teams;
    for (const Rep& r : reps) teams[r.team].push_back(r);
    std::set<std::string> expected;
    for (auto& [name, members] : teams) {
      // Best first, ties by id: the board's order.
      std::sort(members.begin(), members.end(), [](const Rep& a, const Rep& b) {
        return a.total != b.total ? a.total > b.total : a.id < b.id;
      });
      std::vector<size_t> at_risk;
      for (size_t i = 0; i < members.size(); ++i) {
        if (i < 2 || i + 2 >= members.size()) {
          expected.insert(members[i].id);
        } else if (members[i].total - Projected(members[i], 7) >= 5) {
          at_risk.push_back(i);
        }
      }
      std::stable_sort(at_risk.begin(), at_risk.end(), [&](size_t a, size_t b) {
        return members[a].total - Projected(members[a], 7) >
               members[b].total - Projected(members[b], 7);
      });
      for (size_t i = 0; i < at_risk.size() && i < 2; ++i) {
        expected.insert(members[at_risk[i]].id);
      }
    }
    std::set<std::string> got;
    for (const auto& [id, value] : ssi) got.insert(id);
    EXPECT_EQ(got, expected);
  }
}

TEST(LeaderboardMetricsTest, TopActionsOnlyForMembersAtRisk) {
  LeaderboardMetricsOptions options{.all_members = true, .decline_points = 5};
  options.top_action = [](const std::string& tenant,
                          const board::MemberScore& m) {
    return std::optional<core::TopAction>(core::TopAction{
        .title = absl::StrCat("Act, ", m.member.member_id, " of ", tenant),
        .points = m.totals.total / 10});
  };
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    const std::vector<Rep> reps = WithForecasts(GenerateReps(seed), seed);
    const auto families = Families(reps, options);
    const MetricFamily* f =
        FamilyNamed(families, "rapport_member_top_action_points");
    std::map<std::string, const ClientMetric*> actions;
    if (f != nullptr) {
      for (const ClientMetric& m : f->metric) actions[Label(m, "member")] = &m;
    }
    for (const Rep& r : reps) {
      const bool at_risk = r.total - Projected(r, 7) >= 5;
      ASSERT_EQ(actions.contains(r.id), at_risk) << r.id;
      if (!at_risk) continue;
      EXPECT_EQ(Label(*actions.at(r.id), "title"),
                absl::StrCat("Act, ", r.id, " of default"));
      EXPECT_DOUBLE_EQ(actions.at(r.id)->gauge.value, r.total / 10);
    }
  }
}

}  // namespace
}  // namespace rapport::metrics
