#include "server/api/score_convert.h"

#include "server/api/convert.h"

namespace rapport::api {
namespace {

void AddPillars(const std::array<double, scoring::kPillarCount>& values,
                google::protobuf::RepeatedPtrField<v1::PillarValue>* out) {
  for (int i = 0; i < scoring::kPillarCount; ++i) {
    v1::PillarValue* v = out->Add();
    v->set_pillar(ToProto(static_cast<model::Pillar>(i + 1)));
    v->set_value(values[i]);
  }
}

// Score.forecasts, score_floor and below_floor_time of a member of a board
// as of `as_of`.
void AddForecasts(const board::MemberScore& member, absl::Time as_of,
                  double score_floor, v1::Score* out) {
  out->set_score_floor(score_floor);
  if (member.forecast.empty()) return;
  for (int days : scoring::kForecastHorizons) {
    const scoring::MemberTotals& t = member.forecast.At(days, member.totals);
    v1::ScoreForecast* f = out->add_forecasts();
    f->set_horizon_days(days);
    ToProtoTime(as_of + absl::Hours(24) * days, f->mutable_as_of());
    f->set_total(t.total);
    AddPillars(t.pillars, f->mutable_pillars());
    f->set_change(t.total - member.totals.total);
  }
  if (std::optional<absl::CivilDay> day = scoring::FirstDayBelow(
          member.forecast, member.totals.total, score_floor)) {
    ToProtoTime(absl::FromCivil(*day, absl::UTCTimeZone()),
                out->mutable_below_floor_time());
  }
}

}  // namespace

void ToProto(const scoring::ScoreResult& score, v1::Score* out) {
  out->set_total(score.total);
  out->set_model_version(score.model_version);
  for (const scoring::PillarScore& p : score.pillars) {
    v1::PillarScore* pillar = out->add_pillars();
    pillar->set_pillar(ToProto(p.pillar));
    pillar->set_score(p.score);
    for (const scoring::ComponentScore& c : p.components) {
      v1::ScoreComponent* component = pillar->add_components();
      component->set_name(c.name);
      component->set_signal(c.signal);
      component->set_raw_value(c.raw_value);
      component->set_target(c.target);
      component->set_points(c.points);
      component->set_max_points(c.max_points);
      component->set_explanation(c.explanation);
    }
  }
}

void ToProto(const std::string& group, const scoring::GroupRank* rank,
             v1::Rank* out) {
  out->set_group(group);
  if (rank == nullptr) {
    out->set_withheld(true);
    out->set_withheld_reason("not ranked yet");
    return;
  }
  if (rank->withheld) {
    out->set_withheld(true);
    out->set_withheld_reason(rank->withheld_reason);
    return;
  }
  out->set_rank(rank->rank);
  out->set_out_of(rank->out_of);
  out->set_top_percent(rank->top_percent);
  out->set_average_total(rank->average_total);
  AddPillars(rank->pillar_averages, out->mutable_pillar_averages());
}

void ToProto(const board::Board& board, const board::MemberScore& member,
             double score_floor, v1::Score* out) {
  const std::string& id = member.member.member_id;
  out->set_member_id(id);
  out->set_display_name(member.member.display_name);
  ToProtoTime(board.as_of(), out->mutable_as_of());
  ToProto(member.ExplainedScore(), out);
  ToProto(member.member.industry, board.IndustryRank(id),
          out->mutable_industry_rank());
  ToProto(member.member.team, board.TeamRank(id), out->mutable_network_rank());
  out->set_change_7d(member.change_7d());
  AddForecasts(member, board.as_of(), score_floor, out);
}

void ToProto(const board::MemberScore& member, int rank,
             v1::LeaderboardEntry* out) {
  out->set_rank(rank);
  out->set_member_id(member.member.member_id);
  out->set_display_name(member.member.display_name);
  out->set_team(member.member.team);
  out->set_total(member.totals.total);
  AddPillars(member.totals.pillars, out->mutable_pillars());
  out->set_change_7d(member.change_7d());
  if (!member.forecast.empty()) {
    out->set_forecast_7d(member.forecast.At(7, member.totals).total);
  }
}

void ToProto(const core::HistoryPoint& point, v1::ScorePoint* out) {
  ToProtoTime(point.as_of, out->mutable_as_of());
  out->set_total(point.totals.total);
  AddPillars(point.totals.pillars, out->mutable_pillars());
}

void ToProto(const board::Decline& decline, absl::Time previous_time,
             v1::DecliningMember* out) {
  const board::MemberScore& m = *decline.member;
  out->set_member_id(m.member.member_id);
  out->set_display_name(m.member.display_name);
  out->set_team(m.member.team);
  out->set_total(m.totals.total);
  out->set_previous_total(decline.before.total);
  out->set_change(decline.change);
  out->set_pillar_fell_most(ToProto(decline.pillar_fell_most));
  out->set_pillar_change(decline.pillar_change);
  ToProtoTime(previous_time, out->mutable_previous_time());
}

void ToProto(const store::ScoreFeedRow& row, v1::ScoreChange* out) {
  out->set_member_id(row.member_id);
  out->set_team(row.team);
  out->set_ssi(row.ssi);
  AddPillars(row.pillars, out->mutable_pillars());
  if (row.previous_ssi.has_value()) out->set_previous_ssi(*row.previous_ssi);
  ToProtoTime(row.change_time, out->mutable_change_time());
}

}  // namespace rapport::api
