#include "server/common/quantile.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rapport {
namespace {

// The two ranks around h = (n - 1) * q and the weight of the upper one.
struct Interpolation {
  size_t lower = 0;
  size_t upper = 0;
  double fraction = 0;
};

Interpolation Locate(size_t n, double q) {
  const double h = static_cast<double>(n - 1) * std::clamp(q, 0.0, 1.0);
  Interpolation at;
  at.lower = static_cast<size_t>(std::floor(h));
  at.upper = std::min(at.lower + 1, n - 1);
  at.fraction = h - std::floor(h);
  return at;
}

}  // namespace

std::optional<double> Quantile(absl::Span<const double> sorted, double q) {
  if (sorted.empty()) return std::nullopt;
  const Interpolation at = Locate(sorted.size(), q);
  const double low = sorted[at.lower];
  return low + at.fraction * (sorted[at.upper] - low);
}

std::optional<absl::Duration> Quantile(absl::Span<const absl::Duration> sorted,
                                       double q) {
  if (sorted.empty()) return std::nullopt;
  const Interpolation at = Locate(sorted.size(), q);
  const absl::Duration low = sorted[at.lower];
  // Whole nanoseconds: durations of replies are far below the range where
  // a double loses them.
  const double span_ns =
      absl::ToDoubleNanoseconds(sorted[at.upper] - low) * at.fraction;
  return low + absl::Nanoseconds(std::llround(span_ns));
}

std::optional<double> Median(absl::Span<const double> values) {
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  return Quantile(v, 0.5);
}

}  // namespace rapport
