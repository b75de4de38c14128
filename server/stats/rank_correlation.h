// Spearman's rank correlation with a confidence interval: does one series
// rise with another, whatever the shape of the relation?
#ifndef RAPPORT_SERVER_STATS_RANK_CORRELATION_H_
#define RAPPORT_SERVER_STATS_RANK_CORRELATION_H_

#include <cstddef>

#include "absl/types/span.h"

namespace rapport::stats {

// The fewest pairs a correlation is judged on: below it an interval is
// reported but never called significant. Ten pairs give the Fisher interval
// (which needs n > 3) a few degrees of freedom to spare.
inline constexpr std::size_t kMinPairs = 10;

struct RankCorrelation {
  // Spearman's rho, -1 to 1; 0 when it cannot be computed (fewer than two
  // pairs, or either series constant).
  double rho = 0;
  // The confidence interval of rho; [-1, 1] when it cannot be computed
  // (fewer than four pairs, or rho not computable).
  double ci_low = -1;
  double ci_high = 1;
  std::size_t n = 0;  // The pairs.
  // The independent pairs the interval is computed with: n, or fewer when
  // the pairs come in clusters (ClusteredSpearman).
  double effective_n = 0;
  // The interval excludes 0 and n >= kMinPairs.
  bool significant = false;
};

// Spearman's rank correlation of x and y (ties get their average rank, as
// gsl_stats_spearman does), with the two-sided interval at `confidence`
// (0 < confidence < 1) by the Fisher z-transform with the standard error
// sqrt(1.06 / (n - 3)) of Fieller, Hartley and Pearson (1957):
// tanh(atanh(rho) -/+ z * se), z the standard normal quantile of
// (1 + confidence) / 2. A rho of exactly -1 or 1 has the interval [rho,
// rho]. x and y have the same size.
RankCorrelation Spearman(absl::Span<const double> x, absl::Span<const double> y,
                         double confidence);

// Spearman over pairs that come in clusters (several pairs of one member):
// pairs of a cluster are alike, so they carry less information than as many
// independent pairs. rho is Spearman's over all pairs; the interval uses
// the effective number of pairs n / deff with the design effect
// deff = 1 + (m - 1) * icc_x * icc_y (Scott and Holt 1982, for a
// regression slope under two-stage sampling), m the mean cluster size and
// icc_x, icc_y the intraclass correlations (ICC(1), one-way ANOVA, negative
// values taken as 0) of the ranks of x and of y. The effective n is at least
// the number of clusters and at most n. `cluster` names each pair's cluster
// (any integers; pairs of a cluster need not be adjacent); all three spans
// have the same size.
RankCorrelation ClusteredSpearman(absl::Span<const double> x,
                                  absl::Span<const double> y,
                                  absl::Span<const int> cluster,
                                  double confidence);

// The intraclass correlation ICC(1) of `values` grouped by `cluster`, from
// the one-way ANOVA mean squares: (MSB - MSW) / (MSB + (m0 - 1) MSW), m0 the
// adjusted mean group size (n - sum m_i^2 / n) / (k - 1). 0 when it cannot
// be computed (one group, no within-group degrees of freedom, no variance).
double IntraclassCorrelation(absl::Span<const double> values,
                             absl::Span<const int> cluster);

// The interval of a rank correlation `rho` over `n` (effective) pairs as
// Spearman computes it (exposed for tests); [-1, 1] when n < 4.
void FisherInterval(double rho, double n, double confidence, double* low,
                    double* high);

}  // namespace rapport::stats

#endif  // RAPPORT_SERVER_STATS_RANK_CORRELATION_H_
