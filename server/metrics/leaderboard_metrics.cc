#include "server/metrics/leaderboard_metrics.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/scoring/rank.h"

namespace rapport::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using Labels = std::vector<ClientMetric::Label>;

// Label values of the `pillar` label, in model::Pillar order.
constexpr std::array<const char*, scoring::kPillarCount> kPillarLabels = {
    "professional_brand", "find_right_people", "engage_with_insights",
    "build_relationships"};

// The families, in the order they are exposed.
enum Family : size_t {
  kMemberSsi,
  kMemberPillar,
  kMemberChange,
  kMemberReplyRatio,
  kMemberThreads,
  kMemberLastActivity,
  kMemberForecast,
  kMemberTopAction,
  kTeamMembers,
  kTeamAverage,
  kTeamMedian,
  kTeamPillarAverage,
  kTeamChange,
  kTeamDeclining,
  kTeamReplyRatio,
  kTeamThreads,
  kTeamForecastAverage,
  kTeamBelowFloor,
  kTenantMembers,
  kTenantExported,
  kScoresTimestamp,
  kFamilyCount,
};

std::vector<MetricFamily> EmptyFamilies() {
  const std::array<std::pair<const char*, const char*>, kFamilyCount> names = {{
      {"rapport_member_ssi", "The member's Social Selling Index now (0-100)."},
      {"rapport_member_pillar_score",
       "The member's score on one pillar of the SSI now (0-25)."},
      {"rapport_member_ssi_change_7d",
       "The member's SSI now minus their SSI seven days ago."},
      {"rapport_member_reply_ratio",
       "Threads answered over threads the member started in the last 30 "
       "days."},
      {"rapport_member_threads_started_30d",
       "Threads the member started in the last 30 days."},
      {"rapport_member_last_activity_timestamp_seconds",
       "Unix time of the member's latest event."},
      {"rapport_member_ssi_forecast",
       "The member's SSI projected `horizon` ahead with nothing more done."},
      {"rapport_member_top_action_points",
       "The points the member's most valuable next action (its title in "
       "`title`) is expected to add; for members at risk."},
      {"rapport_team_members", "Members in the team."},
      {"rapport_team_ssi_average", "Mean SSI of the team's members."},
      {"rapport_team_ssi_median", "Median SSI of the team's members."},
      {"rapport_team_pillar_average",
       "Mean score of the team's members on one pillar."},
      {"rapport_team_ssi_change_7d",
       "The team's mean SSI now minus its mean SSI seven days ago."},
      {"rapport_team_members_declining",
       "Members whose SSI fell by at least the decline threshold in seven "
       "days."},
      {"rapport_team_reply_ratio",
       "Threads answered over threads the team's members started in the last "
       "30 days."},
      {"rapport_team_threads_started_30d",
       "Threads the team's members started in the last 30 days."},
      {"rapport_team_ssi_forecast_average",
       "Mean SSI of the team's members projected `horizon` ahead with "
       "nothing more done."},
      {"rapport_team_members_forecast_below_floor",
       "Members at or above the score floor now whose SSI, with nothing more "
       "done, falls below it within seven days."},
      {"rapport_tenant_members", "Members scored."},
      {"rapport_tenant_members_exported",
       "Members with per-member series in this scrape."},
      {"rapport_scores_timestamp_seconds",
       "Unix time the scores of this scrape are as of."},
  }};
  std::vector<MetricFamily> families(kFamilyCount);
  for (size_t i = 0; i < kFamilyCount; ++i) {
    families[i].name = names[i].first;
    families[i].help = names[i].second;
    families[i].type = prometheus::MetricType::Gauge;
  }
  return families;
}

void Add(MetricFamily& family, Labels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

Labels With(Labels labels, const char* name, std::string value) {
  labels.push_back({name, std::move(value)});
  return labels;
}

// The `horizon` label of a forecast `days` ahead.
std::string HorizonLabel(int days) { return absl::StrCat(days, "d"); }

// The 7-day fall of the member's forecast (>= 0); 0 without a forecast.
double ForecastFall(const board::MemberScore& m) {
  if (m.forecast.empty()) return 0;
  return m.totals.total - m.forecast.At(7, m.totals).total;
}

// Which members of `team` (ranked best first) get per-member series: the
// best and the worst member_top_k, and the member_top_k at risk with the
// steepest forecast fall (or everyone, with all_members).
std::vector<bool> ExportedMembers(const board::Group& team,
                                  const LeaderboardMetricsOptions& options) {
  const size_t n = team.ranked.size();
  if (options.all_members) return std::vector<bool>(n, true);
  std::vector<bool> exported(n, false);
  const size_t k = static_cast<size_t>(std::max(options.member_top_k, 0));
  std::vector<size_t> at_risk;
  for (size_t i = 0; i < n; ++i) {
    exported[i] = i < k || i + k >= n;
    if (!exported[i] && AtRisk(*team.ranked[i], options.decline_points)) {
      at_risk.push_back(i);
    }
  }
  const size_t shown = std::min(k, at_risk.size());
  std::partial_sort(at_risk.begin(), at_risk.begin() + shown, at_risk.end(),
                    [&team](size_t a, size_t b) {
                      const double fa = ForecastFall(*team.ranked[a]);
                      const double fb = ForecastFall(*team.ranked[b]);
                      return fa != fb ? fa > fb : a < b;
                    });
  for (size_t i = 0; i < shown; ++i) exported[at_risk[i]] = true;
  return exported;
}

void AddMember(std::vector<MetricFamily>& f, const std::string& tenant,
               const Labels& team_labels, const board::MemberScore& m,
               const LeaderboardMetricsOptions& options) {
  Labels labels = With(With(team_labels, "industry", m.member.industry),
                       "member", m.member.member_id);
  Add(f[kMemberSsi], labels, m.totals.total);
  for (size_t p = 0; p < kPillarLabels.size(); ++p) {
    Add(f[kMemberPillar], With(labels, "pillar", kPillarLabels[p]),
        m.totals.pillars[p]);
  }
  Add(f[kMemberChange], labels, m.change_7d());
  const board::OutreachSummary& o = m.outreach_30d;
  if (auto ratio = o.reply_rate()) Add(f[kMemberReplyRatio], labels, *ratio);
  Add(f[kMemberThreads], labels, static_cast<double>(o.threads_started));
  if (m.member.last_event_time.has_value()) {
    Add(f[kMemberLastActivity], labels,
        absl::ToDoubleSeconds(*m.member.last_event_time - absl::UnixEpoch()));
  }
  if (m.forecast.empty()) return;
  for (int days : scoring::kForecastHorizons) {
    Add(f[kMemberForecast], With(labels, "horizon", HorizonLabel(days)),
        m.forecast.At(days, m.totals).total);
  }
  if (options.top_action && AtRisk(m, options.decline_points)) {
    if (std::optional<core::TopAction> top = options.top_action(tenant, m)) {
      Add(f[kMemberTopAction], With(labels, "title", top->title), top->points);
    }
  }
}

// Adds the team's series and its exported members'; returns how many
// members were exported.
size_t AddTeam(std::vector<MetricFamily>& f, const std::string& tenant,
               const board::Group& team, bool provisional,
               const LeaderboardMetricsOptions& options) {
  const Labels labels = {{"team", team.name}, {"tenant", tenant}};
  const size_t n = team.ranked.size();
  const std::vector<bool> shown = ExportedMembers(team, options);
  size_t exported = 0;
  std::array<double, std::size(scoring::kForecastHorizons)> forecast_sums{};
  int64_t below_floor = 0;
  for (size_t i = 0; i < n; ++i) {
    const board::MemberScore& m = *team.ranked[i];
    if (shown[i]) {
      AddMember(f, tenant, labels, m, options);
      ++exported;
    }
    for (size_t h = 0; h < forecast_sums.size(); ++h) {
      forecast_sums[h] +=
          m.forecast.At(scoring::kForecastHorizons[h], m.totals).total;
    }
    // A forecast never rises: below the floor within seven days is below
    // it on the seventh.
    if (m.totals.total >= options.score_floor &&
        m.forecast.At(7, m.totals).total < options.score_floor) {
      ++below_floor;
    }
  }
  const board::GroupSummary s = board::Summarize(team, options.decline_points);
  Add(f[kTeamMembers], labels, static_cast<double>(s.members));
  Add(f[kTeamAverage], labels, s.average);
  Add(f[kTeamMedian], labels, s.median);
  for (size_t p = 0; p < kPillarLabels.size(); ++p) {
    Add(f[kTeamPillarAverage], With(labels, "pillar", kPillarLabels[p]),
        s.pillar_averages.pillars[p]);
  }
  Add(f[kTeamChange], labels, s.change_7d);
  Add(f[kTeamDeclining], labels, static_cast<double>(s.declining));
  // A provisional board keeps neither outreach counts nor forecasts: those
  // series wait for the full board rather than show zeros.
  if (provisional) return exported;
  if (auto ratio = s.outreach_30d.reply_rate()) {
    Add(f[kTeamReplyRatio], labels, *ratio);
  }
  Add(f[kTeamThreads], labels,
      static_cast<double>(s.outreach_30d.threads_started));
  for (size_t h = 0; h < forecast_sums.size(); ++h) {
    Add(f[kTeamForecastAverage],
        With(labels, "horizon", HorizonLabel(scoring::kForecastHorizons[h])),
        forecast_sums[h] / static_cast<double>(n));
  }
  Add(f[kTeamBelowFloor], labels, static_cast<double>(below_floor));
  return exported;
}

}  // namespace

bool AtRisk(const board::MemberScore& member, double points) {
  return !member.forecast.empty() && ForecastFall(member) >= points;
}

std::vector<MetricFamily> LeaderboardFamilies(
    absl::Span<const TenantBoard> boards,
    const LeaderboardMetricsOptions& options) {
  std::vector<MetricFamily> f = EmptyFamilies();
  for (const TenantBoard& tb : boards) {
    if (tb.board == nullptr) continue;
    size_t exported = 0;
    for (const auto& [name, team] : tb.board->teams()) {
      if (!team.ranked.empty())
        exported +=
            AddTeam(f, tb.tenant, team, tb.board->provisional(), options);
    }
    const Labels labels = {{"tenant", tb.tenant}};
    Add(f[kTenantMembers], labels, static_cast<double>(tb.board->size()));
    Add(f[kTenantExported], labels, static_cast<double>(exported));
    Add(f[kScoresTimestamp], labels,
        absl::ToDoubleSeconds(tb.board->as_of() - absl::UnixEpoch()));
  }
  f.erase(std::remove_if(
              f.begin(), f.end(),
              [](const MetricFamily& family) { return family.metric.empty(); }),
          f.end());
  return f;
}

std::vector<MetricFamily> TenantLeaderboardFamilies(
    board::ScoreBoard* boards, const std::string& tenant,
    const LeaderboardMetricsOptions& options) {
  std::vector<TenantBoard> one;
  // A tenant whose first board takes longer to build than a scrape may
  // wait has no series until it is built (Prometheus gives up after 10 s).
  auto board = boards->Peek(tenant, absl::Seconds(3));
  if (board.ok() && *board != nullptr) {
    one.push_back({tenant, *std::move(board)});
  }
  return LeaderboardFamilies(one, options);
}

}  // namespace rapport::metrics
