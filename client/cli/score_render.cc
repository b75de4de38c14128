#include "client/cli/score_render.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/format.h"
#include "client/cli/names.h"

namespace rapport::cli {
namespace {

using rapport::v1::Pillar;

constexpr Pillar kPillars[] = {rapport::v1::PILLAR_PROFESSIONAL_BRAND,
                               rapport::v1::PILLAR_FIND_RIGHT_PEOPLE,
                               rapport::v1::PILLAR_ENGAGE_WITH_INSIGHTS,
                               rapport::v1::PILLAR_BUILD_RELATIONSHIPS};

std::string Points(double v) { return absl::StrFormat("%.1f", v); }

// The value of one pillar in a repeated PillarValue, 0 when absent.
double PillarOf(
    const google::protobuf::RepeatedPtrField<rapport::v1::PillarValue>& values,
    Pillar pillar) {
  for (const auto& v : values) {
    if (v.pillar() == pillar) return v.value();
  }
  return 0;
}

std::string RenderRank(absl::string_view what, const rapport::v1::Rank& r) {
  const std::string group = r.group().empty() ? "" : " " + r.group();
  if (r.withheld()) {
    return absl::StrCat(
        what, group, ": withheld", r.withheld_reason().empty() ? "" : " (",
        r.withheld_reason(), r.withheld_reason().empty() ? "" : ")", "\n");
  }
  if (r.out_of() == 0) return absl::StrCat(what, group, ": -\n");
  return absl::StrFormat("%s%s: rank %d of %d (top %.0f%%), average %.1f\n",
                         what, group, r.rank(), r.out_of(), r.top_percent(),
                         r.average_total());
}

std::vector<Table::Column> ScoreColumns(std::vector<Table::Column> leading) {
  for (const char* h : {"TOTAL", "BRAND", "FIND", "ENGAGE", "RELATE", "7D"}) {
    leading.push_back({h, true});
  }
  return leading;
}

void AddScoreCells(
    std::vector<std::string>& row, double total,
    const google::protobuf::RepeatedPtrField<rapport::v1::PillarValue>& pillars,
    double change) {
  row.push_back(Points(total));
  for (Pillar p : kPillars) row.push_back(Points(PillarOf(pillars, p)));
  row.push_back(FormatChange(change));
}

}  // namespace

std::string RenderScore(const rapport::v1::Score& s) {
  std::string out = absl::StrCat(
      s.display_name().empty()
          ? s.member_id()
          : absl::StrCat(s.display_name(), " (", s.member_id(), ")"),
      "  as of ", FormatTimestamp(s.as_of()), "  model ",
      s.model_version().empty() ? "-" : s.model_version(), "\n");
  absl::StrAppend(&out, absl::StrFormat("SSI %5.1f / 100  %s  %s in 7 days\n",
                                        s.total(), Bar(s.total(), 100, 20),
                                        FormatChange(s.change_7d())));
  for (const rapport::v1::PillarScore& p : s.pillars()) {
    absl::StrAppend(
        &out, "\n",
        absl::StrFormat("%-24s %5.1f / 25  %s\n", PillarTitle(p.pillar()),
                        p.score(), Bar(p.score(), 25, 20)));
    Table components({{"  COMPONENT"}, {"POINTS", true}, {"WHY"}});
    for (const rapport::v1::ScoreComponent& c : p.components()) {
      components.AddRow(
          {"  " + c.name(),
           absl::StrFormat("%.1f/%.1f", c.points(), c.max_points()),
           c.explanation()});
    }
    if (!components.empty()) absl::StrAppend(&out, components.Render());
  }
  absl::StrAppend(&out, "\n", RenderRank("industry", s.industry_rank()),
                  RenderRank("team", s.network_rank()));
  absl::StrAppend(&out, RenderForecast(s));
  return out;
}

std::string RenderForecast(const rapport::v1::Score& s) {
  if (s.forecasts().empty()) return "";
  std::string out = "\nWith nothing more done:\n";
  std::vector<Table::Column> columns = {{"  IN"}, {"ON"}};
  for (const char* h :
       {"TOTAL", "BRAND", "FIND", "ENGAGE", "RELATE", "CHANGE"}) {
    columns.push_back({h, true});
  }
  Table table(std::move(columns));
  for (const rapport::v1::ScoreForecast& f : s.forecasts()) {
    std::vector<std::string> row = {
        absl::StrCat("  ", f.horizon_days(), " days"), FormatDate(f.as_of())};
    AddScoreCells(row, f.total(), f.pillars(), f.change());
    table.AddRow(std::move(row));
  }
  absl::StrAppend(&out, table.Render());
  const std::string floor = Points(s.score_floor());
  if (s.has_below_floor_time()) {
    absl::StrAppend(&out, "  falls below ", floor, " on ",
                    FormatDate(s.below_floor_time()), "\n");
  } else if (s.total() < s.score_floor()) {
    absl::StrAppend(&out, "  already below ", floor, "\n");
  } else {
    absl::StrAppend(&out, "  stays at or above ", floor, " for 30 days\n");
  }
  return out;
}

std::string RenderBatchScores(const rapport::v1::BatchGetScoresResponse& r) {
  Table table(ScoreColumns({{"ID"}, {"NAME"}}));
  for (const rapport::v1::Score& s : r.scores()) {
    google::protobuf::RepeatedPtrField<rapport::v1::PillarValue> pillars;
    for (const auto& p : s.pillars()) {
      rapport::v1::PillarValue* v = pillars.Add();
      v->set_pillar(p.pillar());
      v->set_value(p.score());
    }
    std::vector<std::string> row = {s.member_id(), s.display_name()};
    AddScoreCells(row, s.total(), pillars, s.change_7d());
    table.AddRow(std::move(row));
  }
  std::string out = table.Render();
  if (!r.missing_member_ids().empty()) {
    absl::StrAppend(&out, "missing:");
    for (const std::string& id : r.missing_member_ids()) {
      absl::StrAppend(&out, " ", id);
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string RenderHistory(const std::string& member_id,
                          const rapport::v1::GetScoreHistoryResponse& r) {
  if (r.points().empty()) return absl::StrCat(member_id, ": no history\n");
  const auto& first = r.points(0);
  const auto& last = r.points(r.points_size() - 1);
  std::string out = absl::StrCat(
      member_id, "  ", FormatDate(first.as_of()), " .. ",
      FormatDate(last.as_of()), "  (", r.points_size(), " days, model ",
      r.model_version().empty() ? "-" : r.model_version(), ")\n");
  auto line = [&](absl::string_view name, std::vector<double> values) {
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    absl::StrAppend(
        &out, absl::StrFormat("%-14s %s  %.1f -> %.1f  (min %.1f, max %.1f)\n",
                              name, Sparkline(Downsample(values, 90)),
                              values.front(), values.back(), *lo, *hi));
  };
  std::vector<double> totals;
  for (const auto& p : r.points()) totals.push_back(p.total());
  line("total", totals);
  for (Pillar pillar : kPillars) {
    std::vector<double> values;
    for (const auto& p : r.points())
      values.push_back(PillarOf(p.pillars(), pillar));
    line(PillarName(pillar), values);
  }
  return out;
}

std::string RenderLeaderboard(const rapport::v1::GetLeaderboardResponse& r) {
  Table table(ScoreColumns({{"RANK", true}, {"NAME"}, {"ID"}, {"TEAM"}}));
  for (const rapport::v1::LeaderboardEntry& e : r.entries()) {
    std::vector<std::string> row = {absl::StrCat(e.rank()), e.display_name(),
                                    e.member_id(), e.team()};
    AddScoreCells(row, e.total(), e.pillars(), e.change_7d());
    table.AddRow(std::move(row));
  }
  std::string out = table.Render();
  absl::StrAppend(&out, r.entries_size(), " of ", r.total_size(),
                  " members, model ",
                  r.model_version().empty() ? "-" : r.model_version(), "\n");
  if (!r.next_page_token().empty()) {
    absl::StrAppend(&out, "more: --page_token=", r.next_page_token(), "\n");
  }
  return out;
}

std::string RenderDecliners(
    const rapport::v1::ListDecliningMembersResponse& r) {
  if (r.members().empty()) {
    return absl::StrCat("no member fell by ", Points(r.min_drop()),
                        " points or more\n");
  }
  Table table({{"NAME"},
               {"ID"},
               {"TEAM"},
               {"WAS", true},
               {"NOW", true},
               {"CHANGE", true},
               {"FELL MOST"}});
  for (const rapport::v1::DecliningMember& m : r.members()) {
    table.AddRow({m.display_name(), m.member_id(), m.team(),
                  Points(m.previous_total()), Points(m.total()),
                  FormatChange(m.change()),
                  absl::StrCat(PillarName(m.pillar_fell_most()), " ",
                               FormatChange(m.pillar_change()))});
  }
  std::string out = table.Render();
  const rapport::v1::DecliningMember& first = r.members(0);
  absl::StrAppend(&out, "fell by ", Points(r.min_drop()),
                  " points or more since ", FormatDate(first.previous_time()),
                  "\n");
  if (!r.next_page_token().empty()) {
    absl::StrAppend(&out, "more: --page_token=", r.next_page_token(), "\n");
  }
  return out;
}

}  // namespace rapport::cli
