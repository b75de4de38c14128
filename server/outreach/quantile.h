// Quantiles and medians used by outreach analysis. Pure; thread-safe.
#ifndef RAPPORT_SERVER_OUTREACH_QUANTILE_H_
#define RAPPORT_SERVER_OUTREACH_QUANTILE_H_

#include <optional>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace rapport::outreach {

// The nearest-rank q-quantile (q in (0, 1]) of `sorted`, which must be in
// ascending order: the element at index ceil(q * n) - 1. Absent when empty.
std::optional<absl::Duration> NearestRank(
    absl::Span<const absl::Duration> sorted, double q);

// The median of `values` (any order): the middle element, or the mean of the
// two middle ones. Absent when empty.
std::optional<double> Median(absl::Span<const double> values);

}  // namespace rapport::outreach

#endif  // RAPPORT_SERVER_OUTREACH_QUANTILE_H_
