// ProjectScore() properties over many random members: a forecast never
// rises, starts at the score, never exceeds the model's own score on any
// day, and activity added inside the horizon only lifts the real score
// above it.
#include "server/scoring/forecast.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using testutil::AnsweredThread;
using testutil::AsOf;
using testutil::Bucket;
using testutil::DayOf;
using testutil::Default;
using testutil::kMembers;
using testutil::MemberGenerator;
using testutil::ScoreOf;
using testutil::TestMember;

Forecast ForecastOf(const TestMember& m, absl::Time as_of = AsOf()) {
  return ProjectScore(Default(), m.profile, m.activity, as_of,
                      ScoreOf(m, as_of));
}

// Every figure of `later` is at most the same figure of `earlier`.
void ExpectNotAbove(const MemberTotals& later, const MemberTotals& earlier,
                    const std::string& where) {
  EXPECT_LE(later.total, earlier.total) << where;
  for (int p = 0; p < kPillarCount; ++p) {
    EXPECT_LE(later.pillars[p], earlier.pillars[p]) << where << " pillar " << p;
  }
}

TEST(ForecastTest, NeverRisesWithTheHorizon) {
  MemberGenerator gen(21);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    ASSERT_EQ(f.daily.size(), static_cast<size_t>(kForecastDays));
    for (int d = 1; d <= kForecastDays; ++d) {
      ExpectNotAbove(f.At(d, now), f.At(d - 1, now),
                     absl::StrCat("member ", i, " day ", d));
    }
  }
}

TEST(ForecastTest, HorizonZeroIsTheScore) {
  MemberGenerator gen(22);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    EXPECT_EQ(f.At(0, now).total, now.total) << "member " << i;
    EXPECT_EQ(f.as_of, AsOf());
  }
}

TEST(ForecastTest, WithoutActivityNothingChanges) {
  MemberGenerator gen(23);
  for (int i = 0; i < 50; ++i) {
    TestMember m = gen.Next(AsOf());
    m.activity = {};
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    for (int d = 1; d <= kForecastDays; ++d) {
      EXPECT_EQ(f.At(d, now).total, now.total)
          << "member " << i << " day " << d;
    }
  }
}

TEST(ForecastTest, NeverAboveTheModelOnThatDay) {
  MemberGenerator gen(24);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    for (int d : {1, 7, 13, 30}) {
      const MemberTotals model =
          TotalsOf(ScoreOf(m, AsOf() + absl::Hours(24) * d));
      ExpectNotAbove(f.At(d, now), model,
                     absl::StrCat("member ", i, " day ", d));
    }
  }
}

TEST(ForecastTest, ActivityDecaysAway) {
  // A member active only on one day long ago loses those points as the day
  // leaves the window: the forecast falls and reaches the profile's score.
  MemberGenerator gen(25);
  TestMember m = gen.Next(AsOf());
  m.activity = {};
  const double profile_only = ScoreOf(m).total;
  m.activity.daily.push_back(
      Bucket(DayOf(AsOf()) - 80, model::EventType::kPostPublished, 5));
  m.activity.daily.push_back(
      Bucket(DayOf(AsOf()) - 80, model::EventType::kCommentMade, 20));
  const MemberTotals now = TotalsOf(ScoreOf(m));
  ASSERT_GT(now.total, profile_only);
  const Forecast f = ForecastOf(m);
  EXPECT_LT(f.At(7, now).total, now.total);
  EXPECT_DOUBLE_EQ(f.At(30, now).total, profile_only);
}

// Activity that can only add points: content, engagement received,
// recommendations, and threads that got their reply.
void AddActivityWithin(MemberGenerator& gen, TestMember& m, absl::Time from,
                       int days) {
  constexpr model::EventType kAdding[] = {
      model::EventType::kPostPublished,
      model::EventType::kReactionReceived,
      model::EventType::kCommentReceived,
      model::EventType::kShareReceived,
      model::EventType::kContentShared,
      model::EventType::kCommentMade,
      model::EventType::kGroupPost,
      model::EventType::kGroupAnswer,
      model::EventType::kRecommendationGiven,
      model::EventType::kRecommendationReceived};
  const int buckets = gen.Int(1, 8);
  for (int b = 0; b < buckets; ++b) {
    const model::EventType type = kAdding[gen.Int(0, std::size(kAdding) - 1)];
    m.activity.daily.push_back(
        Bucket(DayOf(from) + gen.Int(1, days), type, gen.Int(1, 10)));
  }
  const int threads = gen.Int(0, 3);
  for (int t = 0; t < threads; ++t) {
    const absl::Time sent = from + absl::Hours(24) * gen.Int(0, days - 1) +
                            absl::Minutes(gen.Int(1, 600));
    const absl::Time reply = sent + absl::Minutes(gen.Int(1, 600));
    m.activity.threads.push_back(AnsweredThread(
        absl::StrCat("later", m.activity.threads.size()), sent, reply));
  }
}

TEST(ForecastTest, AddedActivityLandsAtOrAboveTheForecast) {
  MemberGenerator gen(26);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    for (int h : kForecastHorizons) {
      TestMember more = m;
      AddActivityWithin(gen, more, AsOf(), h);
      const absl::Time then = AsOf() + absl::Hours(24) * h;
      const double actual = ScoreOf(more, then).total;
      EXPECT_GE(actual, f.At(h, now).total)
          << "member " << i << " horizon " << h;
    }
  }
}

TEST(ForecastTest, FirstDayBelowIsTheFirstProjectedDayUnderTheFloor) {
  MemberGenerator gen(27);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const MemberTotals now = TotalsOf(ScoreOf(m));
    const Forecast f = ForecastOf(m);
    const double floor = gen.Int(5, 80);
    const std::optional<absl::CivilDay> below =
        FirstDayBelow(f, now.total, floor);
    if (now.total < floor || f.At(kForecastDays, now).total >= floor) {
      EXPECT_FALSE(below.has_value()) << "member " << i;
      continue;
    }
    ASSERT_TRUE(below.has_value()) << "member " << i;
    const int d = static_cast<int>(*below - DayOf(AsOf()));
    EXPECT_LT(f.At(d, now).total, floor) << "member " << i;
    EXPECT_GE(f.At(d - 1, now).total, floor) << "member " << i;
  }
}

}  // namespace
}  // namespace rapport::scoring
