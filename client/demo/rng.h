// A small, portable pseudo-random generator for the demo organisation.
//
// The standard <random> distributions are implementation-defined, so the same
// seed would give different demos on different standard libraries. This one
// is xoshiro256** seeded through splitmix64, with its own integer and
// Bernoulli helpers built only from integer arithmetic and exact IEEE
// operations, so that a seed means the same organisation everywhere.
#ifndef RAPPORT_CLIENT_DEMO_RNG_H_
#define RAPPORT_CLIENT_DEMO_RNG_H_

#include <cstdint>
#include <initializer_list>

namespace rapport::demo::internal {

// Mixes the words into one well-distributed 64-bit value (splitmix64 steps).
// Used to derive independent streams, for example one per member.
uint64_t MixSeed(std::initializer_list<uint64_t> words);

// Not thread-safe; cheap to copy. Every method advances the state.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  // The next 64 random bits.
  uint64_t Next();
  // Uniform in [0, n); 0 when n is 0. Unbiased (rejection sampling).
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi], both included; lo when hi < lo.
  int64_t Between(int64_t lo, int64_t hi);
  // Uniform in [0, 1), a multiple of 2^-53.
  double Unit();
  // Uniform in [lo, hi).
  double Real(double lo, double hi);
  // True with probability p (p <= 0 never, p >= 1 always).
  bool Chance(double p);
  // A count with the given mean: floor(mean), plus one with probability
  // equal to the fractional part. Low-variance on purpose: demo personas
  // must stay recognisable even in a short window.
  int Count(double mean);
  // An index in [0, weights.size()) drawn in proportion to the weights.
  int Weighted(std::initializer_list<double> weights);

 private:
  uint64_t s_[4];
};

}  // namespace rapport::demo::internal

#endif  // RAPPORT_CLIENT_DEMO_RNG_H_
