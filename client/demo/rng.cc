#include "client/demo/rng.h"

namespace rapport::demo::internal {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t MixSeed(std::initializer_list<uint64_t> words) {
  uint64_t state = 0x6a09e667f3bcc909ULL;
  uint64_t out = 0;
  for (uint64_t w : words) {
    state ^= w;
    out = SplitMix64(state);
    state = out;
  }
  return out;
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = SplitMix64(state);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) {
  if (n == 0) return 0;
  // Reject the top partial range so that every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % n;
}

int64_t Rng::Between(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi) -
                                         static_cast<uint64_t>(lo) + 1));
}

double Rng::Unit() {
  return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0);
}

double Rng::Real(double lo, double hi) { return lo + (hi - lo) * Unit(); }

bool Rng::Chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return Unit() < p;
}

int Rng::Count(double mean) {
  if (mean <= 0) return 0;
  const int whole = static_cast<int>(mean);
  return whole + (Chance(mean - whole) ? 1 : 0);
}

int Rng::Weighted(std::initializer_list<double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = Unit() * total;
  int i = 0;
  for (double w : weights) {
    if (x < w) return i;
    x -= w;
    ++i;
  }
  return static_cast<int>(weights.size()) - 1;
}

}  // namespace rapport::demo::internal
