#include "server/scoring/component.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "server/scoring/saturate.h"

namespace rapport::scoring::internal {
namespace {

// Points shown within this of max_points are "full".
constexpr double kFullEpsilon = 1e-9;

bool IsFull(const ComponentScore& c) {
  return c.points >= c.max_points - kFullEpsilon;
}

}  // namespace

double Points(double raw, double target, double max_points, double curvature) {
  return max_points * Saturate(raw / target, curvature);
}

ComponentScore MakeComponent(absl::string_view name, absl::string_view signal,
                             double raw, double target, double max_points,
                             double curvature) {
  ComponentScore c;
  c.name = std::string(name);
  c.signal = std::string(signal);
  c.raw_value = raw;
  c.target = target;
  c.max_points = max_points;
  c.points = Points(raw, target, max_points, curvature);
  return c;
}

RateEstimate EstimateRate(int64_t successes, int64_t samples,
                          const RateComponentModel& model) {
  RateEstimate r;
  r.samples = std::max<int64_t>(samples, 0);
  r.successes = std::clamp<int64_t>(successes, 0, r.samples);
  if (r.samples == 0) return r;
  const double s = static_cast<double>(r.successes);
  const double n = static_cast<double>(r.samples);
  r.observed = s / n;
  const double blended =
      (s + model.prior_samples * model.prior_rate) / (n + model.prior_samples);
  r.used = std::min(r.observed, blended);
  return r;
}

std::string Num(double v) {
  const double rounded = std::round(v * 10) / 10;
  if (rounded == std::round(rounded)) {
    return absl::StrFormat("%.0f", rounded + 0.0);  // No "-0".
  }
  return absl::StrFormat("%.1f", rounded);
}

std::string Pct(double rate) {
  return absl::StrFormat("%.0f%%", std::round(rate * 100) + 0.0);
}

std::string Count(int64_t n, absl::string_view singular,
                  absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

std::string LastDays(int window_days) {
  return window_days == 1 ? "the last day"
                          : absl::StrCat("the last ", window_days, " days");
}

std::string Tail(const ComponentScore& c, absl::string_view target_text) {
  if (IsFull(c)) return absl::StrCat(": full ", Num(c.max_points), " points");
  return absl::StrCat("; ", target_text, " earns the full ", Num(c.max_points),
                      " points");
}

std::string ExplainAmount(const ComponentScore& c, absl::string_view lead,
                          int window_days, absl::string_view weighting) {
  std::string worth;
  if (c.raw_value > 0) {
    worth = absl::StrCat(", worth ", Num(c.raw_value), " ", weighting);
  }
  return absl::StrCat(lead, " in ", LastDays(window_days), worth,
                      Tail(c, Num(c.target)));
}

std::string ExplainRate(const ComponentScore& c, const RateEstimate& rate,
                        absl::string_view lead, absl::string_view no_samples) {
  if (rate.samples == 0) return std::string(no_samples);
  std::string shrunk;
  if (Pct(rate.used) != Pct(rate.observed)) {
    shrunk = absl::StrCat(", counted as ", Pct(rate.used), " on so few");
  }
  return absl::StrCat(lead, " (", Pct(rate.observed), shrunk, ")",
                      Tail(c, Pct(c.target)));
}

std::string ExplainProfileCount(const ComponentScore& c, int64_t n,
                                absl::string_view singular,
                                absl::string_view plural, double curvature) {
  if (IsFull(c)) {
    return absl::StrCat(Count(n, singular, plural), ": full ",
                        Num(c.max_points), " points");
  }
  const double gain =
      Points(static_cast<double>(n + 1), c.target, c.max_points, curvature) -
      c.points;
  if (n == 0) {
    return absl::StrCat("No ", singular, ": add one for ", Num(gain),
                        " points");
  }
  return absl::StrCat(Count(n, singular, plural), ": add one more for ",
                      Num(gain), " points (", Num(c.target), " earns the full ",
                      Num(c.max_points), ")");
}

}  // namespace rapport::scoring::internal
