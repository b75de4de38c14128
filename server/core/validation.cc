#include "server/core/validation.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/model/score_snapshot.h"
#include "server/stats/rank_correlation.h"
#include "server/store/list_all_members.h"

namespace rapport::core {
namespace {

constexpr int kPredictors = 5;  // The total, then the four pillars.

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// Keeps, of `history` (oldest first), the newest snapshot and then each
// next older one at least `spacing` days before the last kept: outcome
// windows of `spacing` days after the kept days never overlap.
std::vector<model::ScoreSnapshot> Spaced(
    const std::vector<model::ScoreSnapshot>& history, int spacing) {
  std::vector<model::ScoreSnapshot> kept;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (kept.empty() || kept.back().day - it->day >= spacing) {
      kept.push_back(*it);
    }
  }
  return kept;
}

CorrelationFigures Figures(const stats::RankCorrelation& r, int members) {
  CorrelationFigures f;
  f.rho = r.rho;
  f.ci_low = r.ci_low;
  f.ci_high = r.ci_high;
  f.member_days = static_cast<int64_t>(r.n);
  f.effective_member_days = r.effective_n;
  f.members = members;
  f.significant = r.significant;
  return f;
}

std::string Percent(double confidence) {
  return absl::StrFormat("%.4g%%", confidence * 100);
}

std::string Scope(const std::string& team) {
  return team.empty() ? "in this tenant" : absl::StrCat("in team ", team);
}

// "predicts meetings in this tenant (rho 0.41, 95% CI 0.33 to 0.48)".
std::string Clause(const CorrelationFigures& f, const std::string& outcome,
                   const std::string& scope, double confidence) {
  std::string relation =
      !f.significant ? absl::StrCat("shows no reliable relation to ", outcome)
      : f.rho > 0    ? absl::StrCat("predicts ", outcome)
                     : absl::StrCat("predicts fewer ", outcome);
  if (!scope.empty()) absl::StrAppend(&relation, " ", scope);
  return absl::StrFormat("%s (rho %.2f, %s CI %.2f to %.2f)", relation, f.rho,
                         Percent(confidence), f.ci_low, f.ci_high);
}

std::string TooLittle(int64_t member_days) {
  return absl::StrCat("too little history: ", member_days,
                      " member-days, at least ", stats::kMinPairs, " needed");
}

std::string PredictorVerdict(const PredictorFigures& p, const std::string& team,
                             double confidence) {
  const std::string name = PredictorName(p.pillar);
  if (p.meetings.member_days < static_cast<int64_t>(stats::kMinPairs)) {
    return absl::StrCat(name, ": ", TooLittle(p.meetings.member_days));
  }
  return absl::StrCat(name, " ",
                      Clause(p.meetings, "meetings", Scope(team), confidence),
                      " and ", Clause(p.replies, "replies", "", confidence));
}

bool Predicts(const CorrelationFigures& f) {
  return f.significant && f.rho > 0;
}

std::string Summary(const ValidationReport& r) {
  const std::string scope = Scope(r.team);
  if (r.member_days < static_cast<int64_t>(stats::kMinPairs)) {
    return absl::StrCat("Too little history to judge ", scope, ": ",
                        r.member_days, " member-days, at least ",
                        stats::kMinPairs,
                        " needed (a member-day is a recorded daily score "
                        "whose outcome window has ended).");
  }
  const PredictorFigures& total = r.predictors.front();
  std::vector<std::string> outcomes;
  if (Predicts(total.meetings)) outcomes.push_back("meetings");
  if (Predicts(total.replies)) outcomes.push_back("replies");
  std::string out =
      outcomes.empty()
          ? absl::StrCat(
                "The SSI shows no reliable relation to meetings or "
                "replies ",
                scope)
          : absl::StrCat("The SSI predicts ", absl::StrJoin(outcomes, " and "),
                         " ", scope);
  std::vector<std::string> pillars;
  for (size_t i = 1; i < r.predictors.size(); ++i) {
    const PredictorFigures& p = r.predictors[i];
    if (Predicts(p.meetings) || Predicts(p.replies)) {
      pillars.push_back(PredictorName(p.pillar));
    }
  }
  absl::StrAppend(&out,
                  pillars.empty()
                      ? "; no pillar predicts an outcome reliably"
                      : absl::StrCat("; pillars that predict an outcome: ",
                                     absl::StrJoin(pillars, ", ")));
  absl::StrAppend(&out, " (", r.member_days, " member-days of ", r.members,
                  " members, ", Percent(r.confidence), " confidence).");
  return out;
}

absl::Status OutOfRange(absl::string_view field, double low, double high,
                        double got) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be between ", low, " and ", high,
                   " (0 for the default), got ", got));
}

}  // namespace

std::string PredictorName(model::Pillar pillar) {
  switch (pillar) {
    case model::Pillar::kUnspecified:
      return "The SSI";
    case model::Pillar::kProfessionalBrand:
      return "Establish your professional brand";
    case model::Pillar::kFindRightPeople:
      return "Find the right people";
    case model::Pillar::kEngageWithInsights:
      return "Engage with insights";
    case model::Pillar::kBuildRelationships:
      return "Build relationships";
  }
  return "The SSI";
}

absl::StatusOr<ValidationRequest> ResolveValidationRequest(
    ValidationRequest request) {
  if (request.history_days == 0) request.history_days = kDefaultHistoryDays;
  if (request.history_days < kMinHistoryDays ||
      request.history_days > kMaxHistoryDays) {
    return OutOfRange("history_days", kMinHistoryDays, kMaxHistoryDays,
                      request.history_days);
  }
  if (request.outcome_days == 0) request.outcome_days = kDefaultOutcomeDays;
  if (request.outcome_days < kMinOutcomeDays ||
      request.outcome_days > kMaxOutcomeDays) {
    return OutOfRange("outcome_days", kMinOutcomeDays, kMaxOutcomeDays,
                      request.outcome_days);
  }
  if (request.confidence == 0) request.confidence = kDefaultConfidence;
  // Written so that NaN fails too.
  if (!(request.confidence >= kMinConfidence &&
        request.confidence <= kMaxConfidence)) {
    return OutOfRange("confidence", kMinConfidence, kMaxConfidence,
                      request.confidence);
  }
  return request;
}

ScoreValidation::ScoreValidation(store::Store* store,
                                 const scoring::ScoringModel* model)
    : store_(store), model_(model) {}

absl::StatusOr<ValidationReport> ScoreValidation::Report(
    const store::TenantId& tenant, const ValidationRequest& raw) const {
  absl::StatusOr<ValidationRequest> request = ResolveValidationRequest(raw);
  if (!request.ok()) return request.status();
  const int outcome_days = request->outcome_days;
  ValidationReport report;
  report.team = request->team;
  report.history_days = request->history_days;
  report.outcome_days = outcome_days;
  report.confidence = request->confidence;
  report.model_version = model_->version;
  // The outcome window (day, day + outcome_days] must end before as_of's
  // day, which is still running.
  report.last_day = DayOf(request->as_of) - 1 - outcome_days;
  report.first_day = report.last_day - (request->history_days - 1);

  absl::StatusOr<std::vector<model::Member>> members =
      store::ListAllMembers(*store_, tenant, request->team);
  if (!members.ok()) return members.status();
  if (!request->team.empty() && members->empty()) {
    return absl::NotFoundError(
        absl::StrCat("team ", request->team, " has no members"));
  }

  // Each member's recorded history under the current model, oldest first.
  // The tenant: one read per day (each returns just its members). A team:
  // one read per member (a day's read would return the whole tenant).
  absl::flat_hash_map<std::string, std::vector<model::ScoreSnapshot>> history;
  for (const model::Member& m : *members) history[m.member_id];
  if (request->team.empty()) {
    for (absl::CivilDay day = report.first_day; day <= report.last_day; ++day) {
      absl::StatusOr<std::vector<model::ScoreSnapshot>> of_day =
          store_->ReadScoresOfDay(tenant, day);
      if (!of_day.ok()) return of_day.status();
      for (model::ScoreSnapshot& s : *of_day) {
        auto it = history.find(s.member_id);
        if (it == history.end() || s.model_version != model_->version) continue;
        it->second.push_back(std::move(s));
      }
    }
  } else {
    for (const model::Member& m : *members) {
      absl::StatusOr<std::vector<model::ScoreSnapshot>> of_member =
          store_->ReadScoreHistory(tenant, m.member_id, report.first_day,
                                   report.last_day);
      if (absl::IsNotFound(of_member.status())) continue;  // Deleted since.
      if (!of_member.ok()) return of_member.status();
      for (model::ScoreSnapshot& s : *of_member) {
        if (s.model_version == model_->version) {
          history[m.member_id].push_back(std::move(s));
        }
      }
    }
  }

  std::array<std::vector<double>, kPredictors> predictors;
  std::vector<double> meetings;
  std::vector<double> replies;
  std::vector<int> member_of;  // Each member-day's member, for the clusters.
  for (const model::Member& m : *members) {
    const std::vector<model::ScoreSnapshot> days =
        Spaced(history[m.member_id], outcome_days);
    if (days.empty()) continue;
    // `days` is newest first: one read covers every outcome window.
    const absl::Time from =
        absl::FromCivil(days.back().day + 1, absl::UTCTimeZone());
    const absl::Time to = model::EndOfDay(days.front().day + outcome_days);
    absl::StatusOr<model::MemberActivity> activity =
        store_->ReadActivity(tenant, m.member_id, from, to);
    if (absl::IsNotFound(activity.status())) continue;  // Deleted since.
    if (!activity.ok()) return activity.status();
    absl::flat_hash_map<absl::CivilDay, int64_t> booked;
    for (const model::DailyCount& c : activity->daily) {
      if (c.type == model::EventType::kMeetingBooked) booked[c.day] += c.count;
    }
    std::vector<absl::Time> first_replies;
    for (const model::ThreadState& t : activity->threads) {
      if (t.member_started() && t.first_reply_time.has_value()) {
        first_replies.push_back(*t.first_reply_time);
      }
    }
    for (const model::ScoreSnapshot& s : days) {
      int64_t met = 0;
      for (int i = 1; i <= outcome_days; ++i) {
        auto it = booked.find(s.day + i);
        if (it != booked.end()) met += it->second;
      }
      const absl::Time after = model::EndOfDay(s.day);
      const absl::Time until = model::EndOfDay(s.day + outcome_days);
      const auto replied =
          std::count_if(first_replies.begin(), first_replies.end(),
                        [&](absl::Time t) { return t > after && t <= until; });
      predictors[0].push_back(s.total);
      for (int p = 0; p < 4; ++p) predictors[p + 1].push_back(s.pillars[p]);
      meetings.push_back(static_cast<double>(met));
      replies.push_back(static_cast<double>(replied));
      member_of.push_back(report.members);
    }
    ++report.members;
  }
  report.member_days = static_cast<int64_t>(meetings.size());

  for (int p = 0; p < kPredictors; ++p) {
    PredictorFigures& figures = report.predictors.emplace_back();
    figures.pillar = static_cast<model::Pillar>(p);
    figures.meetings =
        Figures(stats::ClusteredSpearman(predictors[p], meetings, member_of,
                                         report.confidence),
                report.members);
    figures.replies =
        Figures(stats::ClusteredSpearman(predictors[p], replies, member_of,
                                         report.confidence),
                report.members);
    figures.verdict = PredictorVerdict(figures, report.team, report.confidence);
  }
  report.verdict = Summary(report);
  return report;
}

absl::StatusOr<std::shared_ptr<const ValidationReport>>
ScoreValidation::DailyReport(const store::TenantId& tenant,
                             absl::Time now) const {
  const absl::CivilDay today = DayOf(now);
  {
    absl::MutexLock lock(&mu_);
    auto it = daily_.find(tenant);
    if (it != daily_.end() && it->second.first == today) {
      return it->second.second;
    }
  }
  // Computed outside the lock: two first calls of a day may both compute,
  // and the later one's report is kept (they read the same history).
  ValidationRequest request;
  request.as_of = now;
  absl::StatusOr<ValidationReport> report = Report(tenant, request);
  if (!report.ok()) return report.status();
  auto shared = std::make_shared<const ValidationReport>(*std::move(report));
  absl::MutexLock lock(&mu_);
  daily_[tenant] = {today, shared};
  return shared;
}

std::shared_ptr<const ValidationReport> ScoreValidation::ReadyDailyReport(
    const store::TenantId& tenant, absl::Time now) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = daily_.find(tenant);
    if (it != daily_.end() && it->second.first == DayOf(now)) {
      return it->second.second;
    }
    if (!computing_.insert(tenant).second) return nullptr;
  }
  background_.Post([this, tenant, now] {
    // DailyReport keeps the report when it succeeds; after an error the
    // next call tries again.
    const bool computed = DailyReport(tenant, now).ok();
    absl::MutexLock lock(&mu_);
    static_cast<void>(computed);
    computing_.erase(tenant);
  });
  return nullptr;
}

}  // namespace rapport::core
