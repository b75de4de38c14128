// The outcomes an expected gain averages over (server/recommend/outcomes.h):
// means over them against brute-force enumeration of independent answers
// and the textbook binomial, and expected counts kept exact.
#include "server/recommend/outcomes.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "server/recommend/action.h"

namespace rapport::recommend::internal {
namespace {

// P(K = k), K ~ Binomial(n, p): n! / (k! (n - k)!) p^k (1 - p)^(n - k).
double Textbook(int n, int k, double p) {
  double f = 1;
  for (int i = 2; i <= n; ++i) f *= i;
  for (int i = 2; i <= k; ++i) f /= i;
  for (int i = 2; i <= n - k; ++i) f /= i;
  return f * std::pow(p, k) * std::pow(1 - p, n - k);
}

Action Messages(int n, double p) {
  Action a;
  for (int i = 0; i < n; ++i) {
    MessageEdit m;
    m.thread_id = "t" + std::to_string(i);
    m.answer_probability = p;
    a.messages.push_back(m);
  }
  return a;
}

int Answered(const Outcome& o) {
  int k = 0;
  for (bool b : o.answered) k += b ? 1 : 0;
  return k;
}

constexpr double kProbabilities[] = {0.0, 0.03, 0.3, 0.44, 0.5, 0.97, 1.0};

// Sum over all 2^n subsets of independent answers of P(subset) g(|subset|)
// is sum_k P(K = k) g(k).
TEST(OutcomesTest, BinomialMeanMatchesBruteForceEnumeration) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> value(-3, 3);
  for (int n = 0; n <= 8; ++n) {
    for (double p : kProbabilities) {
      std::vector<double> g(n + 1);
      for (double& v : g) v = value(rng);
      double brute = 0;
      double total = 0;
      for (uint32_t mask = 0; mask < (1u << n); ++mask) {
        double prob = 1;
        int k = 0;
        for (int i = 0; i < n; ++i) {
          const bool yes = (mask >> i) & 1;
          prob *= yes ? p : 1 - p;
          k += yes;
        }
        brute += prob * g[k];
        total += prob;
      }
      double binomial = 0;
      double pmf_total = 0;
      for (int k = 0; k <= n; ++k) {
        EXPECT_NEAR(BinomialPmf(n, k, p), Textbook(n, k, p), 1e-12)
            << n << " " << k << " " << p;
        binomial += BinomialPmf(n, k, p) * g[k];
        pmf_total += BinomialPmf(n, k, p);
      }
      EXPECT_NEAR(binomial, brute, 1e-12) << n << " " << p;
      EXPECT_NEAR(pmf_total, total, 1e-12);
      // The engine's outcomes give the same mean.
      double engine = 0;
      for (const WeightedOutcome& w : Outcomes(Messages(n, p))) {
        engine += w.probability * g[Answered(w.outcome)];
      }
      EXPECT_NEAR(engine, brute, 1e-12) << n << " " << p;
    }
  }
  EXPECT_EQ(BinomialPmf(3, 4, 0.5), 0);
  EXPECT_EQ(BinomialPmf(3, -1, 0.5), 0);
}

// Up to kMaxExactUnits, who answers may matter to the score: the mean of any
// function of the answered set is the brute-force one, with mixed
// probabilities and connection requests.
TEST(OutcomesTest, SubsetsAreEnumeratedWhenWhoAnswersMatters) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int trial = 0; trial < 50; ++trial) {
    const int messages = trial % 6;
    const int requests = (trial / 6) % 5;
    Action a;
    std::vector<double> p;
    for (int i = 0; i < messages + requests; ++i) {
      const double q = trial % 7 == 0 && i == 0 ? 1.0 : unit(rng);
      p.push_back(q);
      if (i < messages) {
        a.messages.push_back({});
        a.messages.back().answer_probability = q;
      } else {
        a.connections.push_back({});
        a.connections.back().acceptance_probability = q;
      }
    }
    const int n = messages + requests;
    std::vector<double> f(1u << n);  // An arbitrary function of the set.
    for (double& v : f) v = unit(rng);
    double brute = 0;
    for (uint32_t mask = 0; mask < (1u << n); ++mask) {
      double prob = 1;
      for (int i = 0; i < n; ++i) prob *= (mask >> i) & 1 ? p[i] : 1 - p[i];
      brute += prob * f[mask];
    }
    double engine = 0;
    double total = 0;
    for (const WeightedOutcome& w : Outcomes(a)) {
      uint32_t mask = 0;
      for (int i = 0; i < n; ++i) {
        const bool yes = i < messages ? w.outcome.answered[i]
                                      : w.outcome.accepted[i - messages];
        mask |= (yes ? 1u : 0u) << i;
      }
      engine += w.probability * f[mask];
      total += w.probability;
    }
    EXPECT_NEAR(total, 1, 1e-12);
    EXPECT_NEAR(engine, brute, 1e-12) << trial;
  }
}

// Beyond kMaxExactUnits: one group per probability, n + 1 outcomes each, the
// binomial mean of any function of how many answered.
TEST(OutcomesTest, ManyAnswersAreGroupedBinomials) {
  const int n = kMaxExactUnits + 4;
  Action a = Messages(n, 0.2);
  const std::vector<WeightedOutcome> out = Outcomes(a);
  EXPECT_EQ(out.size(), static_cast<size_t>(n + 1));
  double mean = 0;
  double square = 0;
  for (const WeightedOutcome& w : out) {
    const int k = Answered(w.outcome);
    // The first k answered.
    for (int i = 0; i < n; ++i) EXPECT_EQ(w.outcome.answered[i], i < k);
    EXPECT_NEAR(w.probability, Textbook(n, k, 0.2), 1e-12);
    mean += w.probability * k;
    square += w.probability * k * k;
  }
  EXPECT_NEAR(mean, n * 0.2, 1e-12);
  EXPECT_NEAR(square - mean * mean, n * 0.2 * 0.8, 1e-12);
  // Two probabilities: two groups, (6 + 1) * (9 + 1) outcomes.
  for (int i = 0; i < 9; ++i) {
    a.connections.push_back({});
    a.connections.back().acceptance_probability = 0.5;
  }
  a.messages.resize(6);
  EXPECT_EQ(Outcomes(a).size(), 7u * 10u);
}

// Expected counts: the two nearest whole counts, mean exact, per type.
TEST(OutcomesTest, ExpectedCountsKeepTheirMean) {
  Action a;
  a.expected_events = {{model::EventType::kReactionReceived, 21.0909},
                       {model::EventType::kCommentReceived, 3},
                       {model::EventType::kShareReceived, 0.25}};
  const std::vector<WeightedOutcome> out = Outcomes(a);
  EXPECT_EQ(out.size(), 4u);  // 2 * 1 * 2.
  double total = 0;
  double mean[3] = {0, 0, 0};
  for (const WeightedOutcome& w : out) {
    total += w.probability;
    ASSERT_EQ(w.outcome.event_counts.size(), 3u);
    for (int e = 0; e < 3; ++e)
      mean[e] += w.probability * w.outcome.event_counts[e];
    EXPECT_TRUE(w.outcome.event_counts[0] == 21 ||
                w.outcome.event_counts[0] == 22);
    EXPECT_EQ(w.outcome.event_counts[1], 3);
  }
  EXPECT_NEAR(total, 1, 1e-12);
  EXPECT_NEAR(mean[0], 21.0909, 1e-12);
  EXPECT_NEAR(mean[1], 3, 1e-12);
  EXPECT_NEAR(mean[2], 0.25, 1e-12);
  // Nothing uncertain: one outcome, certain.
  Action none;
  none.messages.resize(2);  // Probability 0.
  none.connections.push_back({});
  none.connections.back().acceptance_probability = 1;
  const std::vector<WeightedOutcome> one = Outcomes(none);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].probability, 1);
  EXPECT_EQ(one[0].outcome.answered, (std::vector<bool>{false, false}));
  EXPECT_EQ(one[0].outcome.accepted, std::vector<bool>{true});
}

}  // namespace
}  // namespace rapport::recommend::internal
