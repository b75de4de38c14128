// Score() and time: only the window up to as_of counts, and older activity
// never counts for more than the same activity more recent.
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/model/enums.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/score_test_util.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

using model::EventType;
using model::Pillar;
using testutil::AnsweredThread;
using testutil::AsOf;
using testutil::Bucket;
using testutil::ComponentOf;
using testutil::DayOf;
using testutil::Default;
using testutil::IsRate;
using testutil::kEps;
using testutil::kMembers;
using testutil::MemberGenerator;
using testutil::PillarOf;
using testutil::ReceivedThread;
using testutil::ScoreOf;
using testutil::SentThread;
using testutil::ShiftedOlder;
using testutil::TestMember;

// Activity a store would not even return: after as_of, or before the window.
void AddActivityOutsideTheWindow(TestMember& m) {
  const absl::CivilDay today = DayOf(AsOf());
  const int window = Default().window_days;
  for (int type = 1; type <= model::kMaxEventType; ++type) {
    const auto t = static_cast<EventType>(type);
    m.activity.daily.push_back(Bucket(today + 1, t, 50));
    m.activity.daily.push_back(Bucket(today + 400, t, 50));
    m.activity.daily.push_back(Bucket(today - window, t, 50));
    m.activity.daily.push_back(Bucket(today - window - 30, t, 50));
  }
  const absl::Time later = AsOf() + absl::Seconds(1);
  const absl::Time before =
      absl::FromCivil(today - (window - 1), absl::UTCTimeZone()) -
      absl::Seconds(1);
  for (absl::Time t : {later, before, before - absl::Hours(24 * 200)}) {
    const std::string id = absl::StrCat("outside", absl::ToUnixSeconds(t));
    // Both ends of each thread outside the window.
    const absl::Time start = t == later ? t : t - absl::Hours(2);
    const absl::Time end = t == later ? t + absl::Hours(1) : t;
    m.activity.threads.push_back(AnsweredThread(id + "a", start, end, 1));
    m.activity.threads.push_back(SentThread(id + "s", start, 2));
    m.activity.threads.push_back(ReceivedThread(id + "r", start, end));
    model::ContactState c =
        testutil::Contact("c-" + id, model::Seniority::kCSuite);
    c.first_time = t;
    c.last_outbound_time = c.last_inbound_time = t;
    c.connection_requested_time = c.connection_accepted_time = t;
    m.activity.contacts.push_back(c);
  }
  // Right at as_of still counts; make sure the boundary above is not it.
  ASSERT_GT(later, AsOf());
}

TEST(ScoreTimeTest, ActivityAfterAsOfOrBeforeTheWindowChangesNothing) {
  MemberGenerator gen(20);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    TestMember more = m;
    AddActivityOutsideTheWindow(more);
    EXPECT_EQ(ScoreOf(more), ScoreOf(m)) << "member " << i;
  }
}

TEST(ScoreTimeTest, ActivityAtAsOfAndOnTheWindowsFirstDayCounts) {
  TestMember m;
  m.activity.daily.push_back(Bucket(DayOf(AsOf()) - (Default().window_days - 1),
                                    EventType::kPostPublished, 1));
  m.activity.threads.push_back(AnsweredThread("t", AsOf(), AsOf()));
  const ScoreResult r = ScoreOf(m);
  EXPECT_GT(ComponentOf(r, "posts_published").points, 0);
  EXPECT_GT(ComponentOf(r, "reply_rate").points, 0);
}

// A reply that comes after as_of is not a reply yet.
TEST(ScoreTimeTest, AReplyAfterAsOfIsNoReply) {
  TestMember answered_later;
  answered_later.activity.threads.push_back(
      AnsweredThread("t", testutil::Ago(AsOf(), 2), AsOf() + absl::Hours(1)));
  TestMember unanswered;
  unanswered.activity.threads.push_back(
      SentThread("t", testutil::Ago(AsOf(), 2)));
  EXPECT_EQ(ScoreOf(answered_later), ScoreOf(unanswered));
}

// Activity kept inside the window but moved back in time: rates keep their
// samples, every recency-weighted figure decays.
TEST(ScoreTimeTest, ShiftingActivityOlderNeverRaisesTheScore) {
  MemberGenerator gen(21);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf(), /*span_days=*/60);
    const ScoreResult before = ScoreOf(m);
    const int days = gen.Int(1, 30);
    const ScoreResult after = ScoreOf(ShiftedOlder(m, days));
    EXPECT_LE(after.total, before.total + kEps)
        << "member " << i << " shifted " << days << " days";
    for (int p = 0; p < 4; ++p) {
      for (size_t c = 0; c < before.pillars[p].components.size(); ++c) {
        EXPECT_LE(after.pillars[p].components[c].points,
                  before.pillars[p].components[c].points + kEps)
            << before.pillars[p].components[c].name << ", member " << i;
      }
    }
  }
}

// Any shift, even one pushing part of the activity out of the window, never
// raises a component that counts activity. (A rate may rise when an old
// unanswered thread leaves the window: it is then no longer in the last 90
// days.)
TEST(ScoreTimeTest, ShiftingActivityOlderNeverRaisesAnyCount) {
  MemberGenerator gen(22);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    const ScoreResult before = ScoreOf(m);
    const int days = gen.Int(1, 100);
    const ScoreResult after = ScoreOf(ShiftedOlder(m, days));
    for (int p = 0; p < 4; ++p) {
      for (size_t c = 0; c < before.pillars[p].components.size(); ++c) {
        const ComponentScore& b = before.pillars[p].components[c];
        if (IsRate(b.name)) continue;
        EXPECT_LE(after.pillars[p].components[c].points, b.points + kEps)
            << b.name << ", member " << i << " shifted " << days << " days";
      }
    }
  }
}

TEST(ScoreTimeTest, ASilentMemberFallsToTheProfileOnlyFloor) {
  MemberGenerator gen(23);
  for (int i = 0; i < kMembers; ++i) {
    const TestMember m = gen.Next(AsOf());
    TestMember profile_only;
    profile_only.profile = m.profile;
    const ScoreResult floor = ScoreOf(profile_only);
    // Silent for the whole window: everything happened before it.
    EXPECT_EQ(ScoreOf(ShiftedOlder(m, Default().window_days)), floor)
        << "member " << i;
    EXPECT_EQ(PillarOf(floor, Pillar::kFindRightPeople), 0);
    EXPECT_EQ(PillarOf(floor, Pillar::kEngageWithInsights), 0);
    EXPECT_EQ(PillarOf(floor, Pillar::kBuildRelationships), 0);
    EXPECT_EQ(ComponentOf(floor, "posts_published").points, 0);
    EXPECT_EQ(ComponentOf(floor, "engagement_received").points, 0);
    EXPECT_LE(ScoreOf(profile_only).total, ScoreOf(m).total + kEps);
  }
}

TEST(ScoreTimeTest, AnInfiniteAsOfCountsOnlyTheProfile) {
  MemberGenerator gen(24);
  const TestMember m = gen.Next(AsOf());
  TestMember profile_only;
  profile_only.profile = m.profile;
  EXPECT_EQ(ScoreOf(m, absl::InfiniteFuture()),
            ScoreOf(profile_only, absl::InfiniteFuture()));
  EXPECT_EQ(ScoreOf(m, absl::InfinitePast()).total,
            ScoreOf(profile_only).total);
}

// A steady rate over the window counts at face value; recent activity more.
TEST(ScoreTimeTest, RecencyWeightsAverageToOneOverTheWindow) {
  TestMember steady;
  for (int age = 0; age < Default().window_days; ++age) {
    steady.activity.daily.push_back(
        Bucket(DayOf(AsOf()) - age, EventType::kCommentMade, 1));
  }
  EXPECT_NEAR(ComponentOf(ScoreOf(steady), "comments_made").raw_value,
              Default().window_days, 1e-9);
  TestMember today;
  today.activity.daily.push_back(
      Bucket(DayOf(AsOf()), EventType::kCommentMade, 1));
  TestMember old;
  old.activity.daily.push_back(
      Bucket(DayOf(AsOf()) - 60, EventType::kCommentMade, 1));
  const double w_today = ComponentOf(ScoreOf(today), "comments_made").raw_value;
  const double w_old = ComponentOf(ScoreOf(old), "comments_made").raw_value;
  EXPECT_GT(w_today, 1);
  EXPECT_LT(w_old, 1);
  // Two half-lives apart: a quarter of the weight (the default half-life is
  // a whole number of days).
  const int two_half_lives =
      static_cast<int>(std::lround(2 * Default().half_life_days));
  ASSERT_DOUBLE_EQ(two_half_lives, 2 * Default().half_life_days);
  ASSERT_LT(two_half_lives, Default().window_days);
  TestMember older;
  older.activity.daily.push_back(
      Bucket(DayOf(AsOf()) - two_half_lives, EventType::kCommentMade, 1));
  const double w_older = ComponentOf(ScoreOf(older), "comments_made").raw_value;
  EXPECT_NEAR(w_older / w_today, 0.25, 1e-12);
}

}  // namespace
}  // namespace rapport::scoring
