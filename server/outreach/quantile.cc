#include "server/outreach/quantile.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rapport::outreach {

std::optional<absl::Duration> NearestRank(
    absl::Span<const absl::Duration> sorted, double q) {
  if (sorted.empty()) return std::nullopt;
  const double n = static_cast<double>(sorted.size());
  double rank = std::ceil(std::clamp(q, 0.0, 1.0) * n);
  rank = std::clamp(rank, 1.0, n);
  return sorted[static_cast<size_t>(rank) - 1];
}

std::optional<double> Median(absl::Span<const double> values) {
  if (values.empty()) return std::nullopt;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  if (v.size() % 2 == 1) return v[mid];
  return (v[mid - 1] + v[mid]) / 2;
}

}  // namespace rapport::outreach
