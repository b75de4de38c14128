#include "client/demo/rng.h"

#include <cstdint>
#include <set>

#include "gtest/gtest.h"

namespace rapport::demo::internal {
namespace {

// Reference values from an independent implementation of splitmix64-seeded
// xoshiro256**: if these change, every demo org changes on every machine.
TEST(RngTest, MatchesReferenceSequence) {
  Rng one(1);
  EXPECT_EQ(one.Next(), 0xb3f2af6d0fc710c5ULL);
  EXPECT_EQ(one.Next(), 0x853b559647364ceaULL);
  EXPECT_EQ(one.Next(), 0x92f89756082a4514ULL);
  Rng zero(0);
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.Next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(MixSeed({1, 2, 3}), 0xac353cecc6b8f974ULL);
}

TEST(RngTest, MixSeedDependsOnEveryWordAndItsOrder) {
  std::set<uint64_t> seen = {MixSeed({1, 2, 3}), MixSeed({1, 2, 4}),
                             MixSeed({3, 2, 1}), MixSeed({1, 2}),
                             MixSeed({0, 2, 3})};
  EXPECT_EQ(seen.size(), 5u);
}

TEST(RngTest, BetweenStaysInRangeAndCoversIt) {
  Rng rng(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = rng.Between(-2, 3);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 3);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(rng.Between(5, 5), 5);
  EXPECT_EQ(rng.Between(5, 1), 5);
  EXPECT_EQ(rng.Below(0), 0u);
}

TEST(RngTest, UnitIsInHalfOpenInterval) {
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(RngTest, ChanceAndCountRespectTheirBounds) {
  Rng rng(11);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_FALSE(rng.Chance(0));
    ASSERT_TRUE(rng.Chance(1));
    hits += rng.Chance(0.25) ? 1 : 0;
    const int c = rng.Count(2.5);
    ASSERT_TRUE(c == 2 || c == 3);
  }
  EXPECT_NEAR(hits / 10000.0, 0.25, 0.02);
  EXPECT_EQ(rng.Count(0), 0);
  EXPECT_EQ(rng.Count(-1), 0);
}

TEST(RngTest, WeightedNeverPicksAZeroWeight) {
  Rng rng(5);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) ++counts[rng.Weighted({1, 0, 2})];
  EXPECT_EQ(counts[1], 0);
  EXPECT_GT(counts[2], counts[0]);
}

}  // namespace
}  // namespace rapport::demo::internal
