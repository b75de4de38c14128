// The ways an Action can turn out, each with its probability: what the
// engine averages a gain over. Internal to rapport::recommend.
//
// - Answers and acceptances: each message (connection request) is answered
//   (accepted) independently with its probability. With at most
//   kMaxExactUnits uncertain ones (probability strictly between 0 and 1),
//   every subset is an outcome: the mean is exact whatever the score makes
//   of who answers. Beyond that, the uncertain ones are grouped by equal
//   probability and each group contributes K ~ Binomial(n, p) answers given
//   to its first K members: exact when the members of a group are
//   interchangeable for the score, and n + 1 outcomes per group instead of
//   2^n. Probability 1 is always answered, 0 never.
// - Expected events: an expected count x is split between its two nearest
//   whole counts, floor(x) with probability 1 - frac(x) and floor(x) + 1
//   with probability frac(x), independently per event type: the mean is
//   exactly x, the least spread any whole-count distribution of mean x has.
//
// Outcomes of probability 0 are left out; the probabilities sum to 1 (up to
// rounding). The order is deterministic.
#ifndef RAPPORT_SERVER_RECOMMEND_OUTCOMES_H_
#define RAPPORT_SERVER_RECOMMEND_OUTCOMES_H_

#include <vector>

#include "server/recommend/action.h"

namespace rapport::recommend::internal {

// 2^10 = 1024 outcomes at most for the subsets. The engine's actions have 5
// messages or requests at most (32 outcomes).
inline constexpr int kMaxExactUnits = 10;

struct WeightedOutcome {
  double probability = 0;
  Outcome outcome;
};

std::vector<WeightedOutcome> Outcomes(const Action& action);

// P(K = k) for K ~ Binomial(n, p); 0 outside 0 <= k <= n. p is clamped to
// [0, 1].
double BinomialPmf(int n, int k, double p);

}  // namespace rapport::recommend::internal

#endif  // RAPPORT_SERVER_RECOMMEND_OUTCOMES_H_
