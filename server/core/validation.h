// ScoreValidation: whether the score predicts outcomes in a tenant. From the
// recorded daily history, each member's SSI (and each pillar) on a day is
// ranked against the meetings they booked and the replies they got in the
// `outcome_days` days after it (Spearman's rho with a confidence interval).
//
// Member-days of one member whose outcome windows overlap share outcomes and
// are not independent: each member contributes days spaced at least
// `outcome_days` apart, counted back from their last recorded usable day, so
// that no two of their windows overlap. A member's days are still alike (a
// score and a pace of meetings persist), so the intervals are computed from
// the effective number of member-days under that clustering
// (stats::ClusteredSpearman), never fewer than the members
// (docs/scoring.md, "Validation").
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_VALIDATION_H_
#define RAPPORT_SERVER_CORE_VALIDATION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/common/serial_executor.h"
#include "server/model/enums.h"
#include "server/scoring/model.h"
#include "server/store/store.h"

namespace rapport::core {

// The request as the API states it: zeros mean the defaults.
struct ValidationRequest {
  std::string team;       // Empty: the whole tenant.
  int history_days = 0;   // 30 to 730; 0: 90.
  int outcome_days = 0;   // 1 to 90; 0: 30.
  double confidence = 0;  // 0.5 to 0.999; 0: 0.95.
  absl::Time as_of;       // The end of the period.
};

inline constexpr int kDefaultHistoryDays = 90;
inline constexpr int kMinHistoryDays = 30;
inline constexpr int kMaxHistoryDays = 730;
inline constexpr int kDefaultOutcomeDays = 30;
inline constexpr int kMinOutcomeDays = 1;
inline constexpr int kMaxOutcomeDays = 90;
inline constexpr double kDefaultConfidence = 0.95;
inline constexpr double kMinConfidence = 0.5;
inline constexpr double kMaxConfidence = 0.999;

// `request` with its defaults filled in; INVALID_ARGUMENT naming the field
// ("history_days: must be ...") when one is out of range.
absl::StatusOr<ValidationRequest> ResolveValidationRequest(
    ValidationRequest request);

// One rank correlation (stats::RankCorrelation over member-days).
struct CorrelationFigures {
  double rho = 0;
  double ci_low = -1;
  double ci_high = 1;
  int64_t member_days = 0;
  // The independent member-days the interval counts as (the design effect of
  // members' days being alike); between `members` and `member_days`.
  double effective_member_days = 0;
  int members = 0;
  bool significant = false;
};

struct PredictorFigures {
  model::Pillar pillar = model::Pillar::kUnspecified;  // kUnspecified: total.
  CorrelationFigures meetings;
  CorrelationFigures replies;
  std::string verdict;  // One plain-language sentence.
};

struct ValidationReport {
  // The total first, then the four pillars in model::Pillar order.
  std::vector<PredictorFigures> predictors;
  // The first and last day of the history window; the last is the last day
  // whose outcome window (day, day + outcome_days] ended before as_of's day.
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  int history_days = 0;
  int outcome_days = 0;
  double confidence = 0;
  int64_t member_days = 0;  // Used (after spacing).
  int members = 0;          // Contributing at least one member-day.
  std::string verdict;      // The summary.
  std::string team;         // Empty: the tenant.
  std::string model_version;
};

// The name of a predictor as sentences say it: "The SSI" for the total,
// else the pillar's name ("Build relationships").
std::string PredictorName(model::Pillar pillar);

class ScoreValidation {
 public:
  // `model` is the current scoring model: only history recorded under its
  // version is used.
  ScoreValidation(store::Store* store, const scoring::ScoringModel* model);

  // The report of the tenant or `request.team`. INVALID_ARGUMENT naming the
  // field for a value out of range (ResolveValidationRequest); NOT_FOUND
  // for a team without members; the store's errors otherwise. Too little
  // history is not an error: the verdicts say so.
  absl::StatusOr<ValidationReport> Report(
      const store::TenantId& tenant, const ValidationRequest& request) const;

  // The tenant's report under the defaults as of `now`, computed at most
  // once per tenant per UTC day (the leaderboard page shows it; a report
  // reads every member's history and activity).
  absl::StatusOr<std::shared_ptr<const ValidationReport>> DailyReport(
      const store::TenantId& tenant, absl::Time now) const;

  // DailyReport when today's is computed already; otherwise nullptr, with
  // its computation started on a background thread (once at a time per
  // tenant; a failed one is retried by the next call). For the leaderboard
  // page, which never waits for a report.
  std::shared_ptr<const ValidationReport> ReadyDailyReport(
      const store::TenantId& tenant, absl::Time now) const;

 private:
  store::Store* const store_;
  const scoring::ScoringModel* const model_;
  mutable absl::Mutex mu_;
  mutable std::map<
      store::TenantId,
      std::pair<absl::CivilDay, std::shared_ptr<const ValidationReport>>>
      daily_ ABSL_GUARDED_BY(mu_);
  // Tenants whose report ReadyDailyReport is computing.
  mutable std::set<store::TenantId> computing_ ABSL_GUARDED_BY(mu_);
  // Last: destroyed first, finishing its task while the rest is alive.
  mutable SerialExecutor background_;
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_VALIDATION_H_
