// Building blocks of the pillars: points, shrunk rates and explanation
// text. Internal to scoring.
#ifndef RAPPORT_SERVER_SCORING_COMPONENT_H_
#define RAPPORT_SERVER_SCORING_COMPONENT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"

namespace rapport::scoring::internal {

// max_points * Saturate(raw / target, curvature).
double Points(double raw, double target, double max_points, double curvature);

// A component with raw_value, target, points and max_points filled in; the
// explanation is left to the caller.
ComponentScore MakeComponent(absl::string_view name, absl::string_view signal,
                             double raw, double target, double max_points,
                             double curvature);

// The evidence of a rate and the value scored (RateComponentModel).
struct RateEstimate {
  int64_t successes = 0;
  int64_t samples = 0;
  double observed = 0;  // successes / samples; 0 without samples.
  double used = 0;      // The shrunk rate; 0 without samples.
};
RateEstimate EstimateRate(int64_t successes, int64_t samples,
                          const RateComponentModel& model);

// "2", "2.5", "0.3": one decimal at most.
std::string Num(double v);
// "78%".
std::string Pct(double rate);
// "1 post", "3 posts".
std::string Count(int64_t n, absl::string_view singular,
                  absl::string_view plural);

// ": full 5 points" when the component is full, else
// "; <target_text> earns the full 5 points".
std::string Tail(const ComponentScore& c, absl::string_view target_text);

// "<lead> in the last 90 days[, worth <raw> <weighting>]<Tail>", e.g.
// "5 posts in the last 90 days, worth 4.2 with recency; 8 earns the full 5
// points".
std::string ExplainAmount(const ComponentScore& c, absl::string_view lead,
                          int window_days, absl::string_view weighting);

// "<lead> (78%[, counted as 62% on so few])<Tail>", or `no_samples` alone
// when there are none.
std::string ExplainRate(const ComponentScore& c, const RateEstimate& rate,
                        absl::string_view lead, absl::string_view no_samples);

// For a profile count: "3 certifications: full 2 points",
// "No certification: add one for 1.4 points", or
// "1 certification: add one more for 0.5 points (2 earns the full 2)".
std::string ExplainProfileCount(const ComponentScore& c, int64_t n,
                                absl::string_view singular,
                                absl::string_view plural, double curvature);

// "the last 90 days".
std::string LastDays(int window_days);

}  // namespace rapport::scoring::internal

#endif  // RAPPORT_SERVER_SCORING_COMPONENT_H_
