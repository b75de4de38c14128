#include "server/stats/rank_correlation.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <vector>

namespace rapport::stats {
namespace {

// Average ranks, 1-based (ties share the mean of their ranks).
std::vector<double> AverageRanks(absl::Span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = static_cast<double>(i + j) / 2 + 1;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = average;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

void FisherInterval(double rho, double n, double confidence, double* low,
                    double* high) {
  *low = -1;
  *high = 1;
  if (!(n >= 4) || !std::isfinite(rho)) return;
  if (rho >= 1 || rho <= -1) {
    *low = *high = rho >= 1 ? 1.0 : -1.0;
    return;
  }
  const double z = std::atanh(rho);
  const double se = std::sqrt(1.06 / (n - 3));
  const double q = gsl_cdf_ugaussian_Pinv((1 + confidence) / 2);
  *low = std::tanh(z - q * se);
  *high = std::tanh(z + q * se);
}

namespace {

// rho and n of the pairs; the interval from `effective_n` pairs.
RankCorrelation WithInterval(double rho, std::size_t n, double effective_n,
                             double confidence) {
  RankCorrelation r;
  r.n = n;
  r.effective_n = effective_n;
  r.rho = rho;
  FisherInterval(r.rho, r.effective_n, confidence, &r.ci_low, &r.ci_high);
  r.significant = r.n >= kMinPairs && (r.ci_low > 0 || r.ci_high < 0);
  return r;
}

// Spearman's rho of the first n pairs; nullopt when it cannot be computed.
std::optional<double> Rho(absl::Span<const double> x,
                          absl::Span<const double> y, std::size_t n) {
  if (n < 2) return std::nullopt;
  std::vector<double> work(2 * n);
  const double rho =
      gsl_stats_spearman(x.data(), 1, y.data(), 1, n, work.data());
  // A constant series has no ranks to compare: GSL returns NaN.
  if (!std::isfinite(rho)) return std::nullopt;
  return std::clamp(rho, -1.0, 1.0);
}

}  // namespace

RankCorrelation Spearman(absl::Span<const double> x, absl::Span<const double> y,
                         double confidence) {
  const std::size_t n = std::min(x.size(), y.size());
  const std::optional<double> rho = Rho(x, y, n);
  if (!rho.has_value()) {
    RankCorrelation none;
    none.n = n;
    none.effective_n = static_cast<double>(n);
    return none;
  }
  return WithInterval(*rho, n, static_cast<double>(n), confidence);
}

double IntraclassCorrelation(absl::Span<const double> values,
                             absl::Span<const int> cluster) {
  const std::size_t n = std::min(values.size(), cluster.size());
  if (n == 0) return 0;
  struct Group {
    double sum = 0;
    std::size_t size = 0;
  };
  std::map<int, Group> groups;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Group& g = groups[cluster[i]];
    g.sum += values[i];
    ++g.size;
    total += values[i];
  }
  const std::size_t k = groups.size();
  if (k < 2 || n <= k) return 0;
  const double mean = total / static_cast<double>(n);
  double between = 0;
  double sum_sizes_squared = 0;
  for (const auto& [id, g] : groups) {
    const double group_mean = g.sum / static_cast<double>(g.size);
    between +=
        static_cast<double>(g.size) * (group_mean - mean) * (group_mean - mean);
    sum_sizes_squared += static_cast<double>(g.size) * g.size;
  }
  double within = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Group& g = groups[cluster[i]];
    const double d = values[i] - g.sum / static_cast<double>(g.size);
    within += d * d;
  }
  const double msb = between / static_cast<double>(k - 1);
  const double msw = within / static_cast<double>(n - k);
  const double m0 =
      (static_cast<double>(n) - sum_sizes_squared / static_cast<double>(n)) /
      static_cast<double>(k - 1);
  const double denominator = msb + (m0 - 1) * msw;
  if (!(denominator > 0)) return 0;
  return (msb - msw) / denominator;
}

RankCorrelation ClusteredSpearman(absl::Span<const double> x,
                                  absl::Span<const double> y,
                                  absl::Span<const int> cluster,
                                  double confidence) {
  const std::size_t n = std::min({x.size(), y.size(), cluster.size()});
  const std::optional<double> rho = Rho(x, y, n);
  if (!rho.has_value()) {
    RankCorrelation none;
    none.n = n;
    none.effective_n = static_cast<double>(n);
    return none;
  }
  cluster = cluster.subspan(0, n);
  std::vector<int> ids(cluster.begin(), cluster.end());
  std::sort(ids.begin(), ids.end());
  const double clusters =
      static_cast<double>(std::unique(ids.begin(), ids.end()) - ids.begin());
  const double icc_x = std::max(
      0.0, IntraclassCorrelation(AverageRanks(x.subspan(0, n)), cluster));
  const double icc_y = std::max(
      0.0, IntraclassCorrelation(AverageRanks(y.subspan(0, n)), cluster));
  const double mean_size = static_cast<double>(n) / clusters;
  const double deff = 1 + (mean_size - 1) * icc_x * icc_y;
  return WithInterval(*rho, n,
                      std::clamp(static_cast<double>(n) / deff, clusters,
                                 static_cast<double>(n)),
                      confidence);
}

}  // namespace rapport::stats
