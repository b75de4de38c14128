// Quantile(): the one quantile method of Rapport. Every median and p90 the
// API, the page and the metrics show is computed here, so that a figure
// shown in two places is the same figure.
//
// The method is linear interpolation between the closest ranks (Hyndman and
// Fan's type 7, the default of R, NumPy and spreadsheets): for n sorted
// values x[0..n-1], h = (n - 1) * q and the quantile is
// x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// The median of an even count is the mean of the two middle values, the
// median of 2, 5, 26, 50 is 15.5. Pure; thread-safe.
#ifndef RAPPORT_SERVER_COMMON_QUANTILE_H_
#define RAPPORT_SERVER_COMMON_QUANTILE_H_

#include <optional>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace rapport {

// The q-quantile (q clamped to [0, 1]) of `sorted`, which must be in
// ascending order. Absent when empty.
std::optional<double> Quantile(absl::Span<const double> sorted, double q);
std::optional<absl::Duration> Quantile(absl::Span<const absl::Duration> sorted,
                                       double q);

// Quantile(values sorted, 0.5), for values in any order.
std::optional<double> Median(absl::Span<const double> values);

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_QUANTILE_H_
