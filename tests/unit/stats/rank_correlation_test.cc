#include "server/stats/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace rapport::stats {
namespace {

// Published quantiles of the standard normal distribution.
constexpr double kZ975 = 1.959963984540054;  // For 95% two-sided.
constexpr double kZ995 = 2.575829303549;     // For 99% two-sided.

// Average ranks (1-based), written independently of GSL.
std::vector<double> AverageRanks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = (i + j) / 2.0 + 1;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = average;
    i = j + 1;
  }
  return ranks;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / y.size();
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(SpearmanTest, TextbookExampleWithTies) {
  // y has a tie (7, 7): ranks 1, 2, 3.5, 5, 3.5. By hand: the centred ranks
  // are (-2, -1, 0, 1, 2) and (-2, -1, 0.5, 2, 0.5); their products sum to
  // 8, their squares to 10 and 9.5, so rho = 8 / sqrt(95).
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const std::vector<double> y = {5, 6, 7, 8, 7};
  const RankCorrelation r = Spearman(x, y, 0.95);
  EXPECT_NEAR(r.rho, 8 / std::sqrt(95.0), 1e-12);
  EXPECT_EQ(r.n, 5u);
  EXPECT_FALSE(r.significant) << "five pairs are below kMinPairs";
}

TEST(SpearmanTest, WithoutTiesMatchesTheClassicFormula) {
  // Spearman's 1 - 6 sum d^2 / (n (n^2 - 1)), valid without ties.
  const std::vector<double> x = {86, 97, 99, 100, 101, 103, 106, 110, 112, 113};
  const std::vector<double> y = {2, 20, 28, 27, 50, 29, 7, 17, 6, 12};
  const std::vector<double> rx = AverageRanks(x);
  const std::vector<double> ry = AverageRanks(y);
  double d2 = 0;
  for (size_t i = 0; i < x.size(); ++i) d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
  const double n = x.size();
  // This is Wikipedia's worked example: sum d^2 = 194, rho = -29/165.
  EXPECT_EQ(d2, 194);
  EXPECT_NEAR(Spearman(x, y, 0.95).rho, 1 - 6 * d2 / (n * (n * n - 1)), 1e-12);
  EXPECT_NEAR(Spearman(x, y, 0.95).rho, -29.0 / 165, 1e-12);
}

TEST(SpearmanTest, IsPearsonOfAverageRanksOnRandomDataWithTies) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(0, 6);  // Many ties.
  for (int round = 0; round < 200; ++round) {
    const size_t n = 4 + rng() % 60;
    std::vector<double> x(n), y(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = small(rng);
      y[i] = small(rng) + (round % 2 ? x[i] : 0);
    }
    const std::vector<double> rx = AverageRanks(x);
    const std::vector<double> ry = AverageRanks(y);
    const RankCorrelation r = Spearman(x, y, 0.95);
    const auto constant = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(),
                         [&](double e) { return e == v.front(); });
    };
    if (constant(x) || constant(y)) {
      // A constant series: no correlation can be computed.
      EXPECT_EQ(r.rho, 0);
      EXPECT_FALSE(r.significant);
      continue;
    }
    EXPECT_NEAR(r.rho, Pearson(rx, ry), 1e-9) << "round " << round;
    EXPECT_LE(r.ci_low, r.rho);
    EXPECT_GE(r.ci_high, r.rho);
    EXPECT_GE(r.ci_low, -1);
    EXPECT_LE(r.ci_high, 1);
  }
}

TEST(SpearmanTest, DependsOnRanksOnlyAndFlipsWithOrder) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  for (int round = 0; round < 50; ++round) {
    const size_t n = 10 + rng() % 100;
    std::vector<double> x(n), y(n), x_monotone(n), y_negated(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = normal(rng);
      y[i] = x[i] + 2 * normal(rng);
      x_monotone[i] = std::exp(3 * x[i]) + 5;  // Strictly increasing.
      y_negated[i] = -y[i];
    }
    const double rho = Spearman(x, y, 0.9).rho;
    EXPECT_NEAR(Spearman(x_monotone, y, 0.9).rho, rho, 1e-12);
    EXPECT_NEAR(Spearman(x, y_negated, 0.9).rho, -rho, 1e-12);
    EXPECT_NEAR(Spearman(y, x, 0.9).rho, rho, 1e-12);
    EXPECT_NEAR(Spearman(x, x, 0.9).rho, 1, 1e-12);
  }
}

TEST(FisherIntervalTest, MatchesTheClosedForm) {
  for (const auto& [rho, n, confidence, z] :
       std::vector<std::tuple<double, size_t, double, double>>{
           {0.5, 28, 0.95, kZ975},
           {-0.3, 100, 0.95, kZ975},
           {0.05, 1000, 0.99, kZ995},
           {0.9, 12, 0.99, kZ995}}) {
    const double se = std::sqrt(1.06 / (n - 3));
    double low = 0, high = 0;
    FisherInterval(rho, n, confidence, &low, &high);
    EXPECT_NEAR(low, std::tanh(std::atanh(rho) - z * se), 1e-9);
    EXPECT_NEAR(high, std::tanh(std::atanh(rho) + z * se), 1e-9);
  }
  // A worked value: rho 0.5 over 28 pairs at 95%: se = sqrt(1.06 / 25) =
  // 0.20591, z * se = 0.40358, atanh(0.5) = 0.54931, so tanh(0.14573) =
  // 0.1447 to tanh(0.95289) = 0.7411.
  double low = 0, high = 0;
  FisherInterval(0.5, 28, 0.95, &low, &high);
  EXPECT_NEAR(low, 0.1447, 5e-4);
  EXPECT_NEAR(high, 0.7411, 5e-4);
}

TEST(FisherIntervalTest, WidensWithConfidenceAndNarrowsWithPairs) {
  for (double rho : {-0.8, -0.2, 0.0, 0.3, 0.7}) {
    double low90, high90, low99, high99, low_many, high_many;
    FisherInterval(rho, 50, 0.90, &low90, &high90);
    FisherInterval(rho, 50, 0.99, &low99, &high99);
    FisherInterval(rho, 5000, 0.90, &low_many, &high_many);
    EXPECT_LT(low99, low90);
    EXPECT_GT(high99, high90);
    EXPECT_GT(low_many, low90);
    EXPECT_LT(high_many, high90);
  }
  double low, high;
  FisherInterval(0.4, 3, 0.95, &low, &high);  // Too few pairs.
  EXPECT_EQ(low, -1);
  EXPECT_EQ(high, 1);
}

TEST(SpearmanTest, SignificanceNeedsEnoughPairsAndAnIntervalClearOfZero) {
  // A perfect ranking of nine pairs is still not significant: too few.
  std::vector<double> x, y;
  for (int i = 0; i < 9; ++i) {
    x.push_back(i);
    y.push_back(2 * i);
  }
  EXPECT_FALSE(Spearman(x, y, 0.95).significant);
  x.push_back(9);
  y.push_back(18);
  const RankCorrelation ten = Spearman(x, y, 0.95);
  EXPECT_EQ(ten.rho, 1);
  EXPECT_TRUE(ten.significant);
  // Whenever significant, the interval excludes zero; and conversely.
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  for (int round = 0; round < 200; ++round) {
    const size_t n = 10 + rng() % 60;
    std::vector<double> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = normal(rng);
      b[i] = 0.3 * a[i] + normal(rng);
    }
    const RankCorrelation r = Spearman(a, b, 0.95);
    EXPECT_EQ(r.significant, r.ci_low > 0 || r.ci_high < 0);
  }
  // A constant series has no rank correlation.
  const std::vector<double> flat(20, 3.0);
  std::vector<double> rising(20);
  std::iota(rising.begin(), rising.end(), 0.0);
  const RankCorrelation none = Spearman(flat, rising, 0.95);
  EXPECT_EQ(none.rho, 0);
  EXPECT_FALSE(none.significant);
}

TEST(IntraclassCorrelationTest, HandCheckedAndLimits) {
  // Groups {1, 2} and {3, 4}: MSB = 4, MSW = 0.5, m0 = 2, so ICC =
  // (4 - 0.5) / (4 + 0.5) = 7/9.
  EXPECT_NEAR(IntraclassCorrelation({1, 2, 3, 4}, {0, 0, 1, 1}), 7.0 / 9,
              1e-12);
  // Identical within groups, different between: 1.
  EXPECT_NEAR(IntraclassCorrelation({5, 5, 5, 9, 9, 2, 2, 2, 2},
                                    {1, 1, 1, 2, 2, 3, 3, 3, 3}),
              1, 1e-12);
  // One group, or groups of one: nothing to compare.
  EXPECT_EQ(IntraclassCorrelation({1, 2, 3}, {0, 0, 0}), 0);
  EXPECT_EQ(IntraclassCorrelation({1, 2, 3}, {0, 1, 2}), 0);
  // Group means equal, spread within: negative.
  EXPECT_LT(IntraclassCorrelation({1, 3, 1, 3}, {0, 0, 1, 1}), 0);
}

TEST(ClusteredSpearmanTest, SingletonClustersAreIndependentPairs) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> x(80), y(80);
  std::vector<int> cluster(80);
  for (int i = 0; i < 80; ++i) {
    x[i] = normal(rng);
    y[i] = 0.4 * x[i] + normal(rng);
    cluster[i] = 1000 - i;
  }
  const RankCorrelation plain = Spearman(x, y, 0.95);
  const RankCorrelation clustered = ClusteredSpearman(x, y, cluster, 0.95);
  EXPECT_EQ(clustered.rho, plain.rho);
  EXPECT_EQ(clustered.effective_n, 80);
  EXPECT_NEAR(clustered.ci_low, plain.ci_low, 1e-12);
  EXPECT_NEAR(clustered.ci_high, plain.ci_high, 1e-12);
}

TEST(ClusteredSpearmanTest, CopiesOfAPairCountOnce) {
  // Every pair repeated k times in its own cluster (interleaved): rho is
  // unchanged and the interval is that of the pairs without copies.
  std::mt19937 rng(17);
  std::normal_distribution<double> normal;
  for (int k : {2, 3, 7}) {
    const int clusters = 30;
    std::vector<double> x(clusters), y(clusters);
    for (int c = 0; c < clusters; ++c) {
      x[c] = normal(rng);
      y[c] = 0.5 * x[c] + normal(rng);
    }
    std::vector<double> xs, ys;
    std::vector<int> ids;
    for (int copy = 0; copy < k; ++copy) {
      for (int c = 0; c < clusters; ++c) {
        xs.push_back(x[c]);
        ys.push_back(y[c]);
        ids.push_back(c);
      }
    }
    const RankCorrelation once = Spearman(x, y, 0.95);
    const RankCorrelation copies = ClusteredSpearman(xs, ys, ids, 0.95);
    EXPECT_EQ(copies.n, static_cast<size_t>(clusters * k));
    EXPECT_NEAR(copies.rho, once.rho, 1e-9) << k;
    EXPECT_NEAR(copies.effective_n, clusters, 1e-9) << k;
    EXPECT_NEAR(copies.ci_low, once.ci_low, 1e-9) << k;
    EXPECT_NEAR(copies.ci_high, once.ci_high, 1e-9) << k;
    // Taken as independent, the copies would claim a narrower interval.
    const RankCorrelation naive = Spearman(xs, ys, 0.95);
    EXPECT_GT(naive.ci_low, copies.ci_low);
  }
}

TEST(ClusteredSpearmanTest, EffectiveCountStaysBetweenClustersAndPairs) {
  std::mt19937 rng(23);
  std::normal_distribution<double> normal;
  for (int round = 0; round < 100; ++round) {
    const int clusters = 2 + static_cast<int>(rng() % 30);
    std::vector<double> x, y;
    std::vector<int> ids;
    const double persistence = (rng() % 100) / 100.0;
    for (int c = 0; c < clusters; ++c) {
      const double level_x = normal(rng), level_y = normal(rng);
      const int size = 1 + static_cast<int>(rng() % 12);
      for (int i = 0; i < size; ++i) {
        x.push_back(persistence * level_x + normal(rng));
        y.push_back(persistence * level_y + 0.3 * x.back() + normal(rng));
        ids.push_back(c);
      }
    }
    const RankCorrelation r = ClusteredSpearman(x, y, ids, 0.9);
    EXPECT_GE(r.effective_n, clusters);
    EXPECT_LE(r.effective_n, static_cast<double>(x.size()));
    EXPECT_NEAR(r.rho, Spearman(x, y, 0.9).rho, 1e-12);
    EXPECT_LE(r.ci_low, r.rho);
    EXPECT_GE(r.ci_high, r.rho);
    EXPECT_EQ(r.significant,
              x.size() >= kMinPairs && (r.ci_low > 0 || r.ci_high < 0));
  }
}

}  // namespace
}  // namespace rapport::stats
