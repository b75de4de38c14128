// Unanswered threads (ordering, cap, count) and follow-up stats.
#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/outreach/report.h"
#include "tests/unit/outreach/test_util.h"

namespace rapport::outreach {
namespace {

using testing::Day;
using testing::Hour;
using testing::Started;

TEST(UnansweredTest, OldestFirstCappedWithFullCount) {
  model::MemberActivity a;
  a.threads = {Started("d", 24 * 3),
               Started("b", 24 * 1),
               Started("c", 24 * 2),
               Started("a", 24 * 2),
               Started("young", 24 * 27),  // Under 5 days old at as_of.
               Started("answered", 24 * 1, 24 * 2)};
  OutreachOptions o;
  o.max_unanswered = 3;
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), o);
  EXPECT_EQ(r.unanswered_count, 4);
  ASSERT_EQ(r.unanswered.size(), 3u);
  EXPECT_EQ(r.unanswered[0].thread_id, "b");
  EXPECT_EQ(r.unanswered[1].thread_id, "a");  // Tie on time: by id.
  EXPECT_EQ(r.unanswered[2].thread_id, "c");
  EXPECT_EQ(r.unanswered[0].contact_id, "c-b");
  EXPECT_EQ(r.unanswered[0].last_sent_time, Day(1));
}

TEST(UnansweredTest, ZeroOrNegativeCapListsNoneButCounts) {
  model::MemberActivity a;
  a.threads = {Started("a", 10)};
  OutreachOptions o;
  o.max_unanswered = -1;
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), o);
  EXPECT_TRUE(r.unanswered.empty());
  EXPECT_EQ(r.unanswered_count, 1);
}

TEST(UnansweredTest, RecentFollowUpDefersTheThread) {
  model::ThreadState t = Started("a", 10);
  t.last_outbound_time = Day(28);  // A follow-up two days before as_of.
  t.follow_up_count = 1;
  t.follow_ups_before_reply = 1;
  model::MemberActivity a;
  a.threads = {t};
  EXPECT_EQ(Analyze(a, {}, Day(0), Day(30), {}).unanswered_count, 0);
  const OutreachReport later = Analyze(a, {}, Day(0), Day(34), {});
  ASSERT_EQ(later.unanswered_count, 1);
  EXPECT_EQ(later.unanswered[0].last_sent_time, Day(28));
  EXPECT_EQ(later.unanswered[0].follow_up_count, 1);
}

TEST(UnansweredTest, LastSentAfterAsOfFallsBackToFirstMessage) {
  model::ThreadState t = Started("a", 24);
  t.last_outbound_time = Day(40);
  model::MemberActivity a;
  a.threads = {t};
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), {});
  ASSERT_EQ(r.unanswered.size(), 1u);
  EXPECT_EQ(r.unanswered[0].last_sent_time, Day(1));
}

// n threads past the threshold: `with` followed up (of which `with_replied`
// answered after the follow-up), the rest not (`without_replied` answered
// late).
model::MemberActivity FollowUpMix(int with, int with_replied, int without,
                                  int without_replied) {
  model::MemberActivity a;
  for (int i = 0; i < with; ++i) {
    model::ThreadState t = Started(
        "w" + std::to_string(i), 24,
        i < with_replied ? std::optional<double>(24 * 10) : std::nullopt);
    t.follow_up_count = t.follow_ups_before_reply = 1;
    t.last_outbound_time = Day(7);
    a.threads.push_back(t);
  }
  for (int i = 0; i < without; ++i) {
    a.threads.push_back(Started(
        "n" + std::to_string(i), 24,
        i < without_replied ? std::optional<double>(24 * 12) : std::nullopt));
  }
  return a;
}

TEST(FollowUpTest, RatesWithAndWithout) {
  model::MemberActivity a = FollowUpMix(6, 3, 5, 1);
  // Answered within the threshold: not in the population at all.
  a.threads.push_back(Started("quick", 24, 30));
  // A follow-up after a quick reply does not make a "followed up" thread.
  model::ThreadState after = Started("after", 24, 30);
  after.follow_up_count = 1;
  after.follow_ups_before_reply = 0;
  a.threads.push_back(after);
  // Too young to have gone unanswered.
  a.threads.push_back(Started("young", 24 * 28));
  const FollowUpStats f = Analyze(a, {}, Day(0), Day(30), {}).follow_ups;
  EXPECT_EQ(f.threads_past_threshold, 11);
  EXPECT_EQ(f.threads_with_follow_up, 6);
  EXPECT_EQ(f.threads_without_follow_up, 5);
  EXPECT_DOUBLE_EQ(*f.followed_up_share, 6.0 / 11.0);
  EXPECT_DOUBLE_EQ(*f.reply_rate_with_follow_up, 0.5);
  EXPECT_DOUBLE_EQ(*f.reply_rate_without_follow_up, 0.2);
  EXPECT_TRUE(f.note.empty());
}

TEST(FollowUpTest, AbsentWithNoteBelowMinSample) {
  const model::MemberActivity a = FollowUpMix(6, 3, 4, 1);
  const FollowUpStats f = Analyze(a, {}, Day(0), Day(30), {}).follow_ups;
  EXPECT_DOUBLE_EQ(*f.followed_up_share, 0.6);
  EXPECT_FALSE(f.reply_rate_with_follow_up.has_value());
  EXPECT_FALSE(f.reply_rate_without_follow_up.has_value());
  EXPECT_EQ(f.threads_with_follow_up, 6);
  EXPECT_EQ(f.threads_without_follow_up, 4);
  EXPECT_EQ(f.note,
            "Too few threads to compare: 6 with a follow-up and 4 without; "
            "at least 5 of each needed");
  OutreachOptions o;
  o.min_sample = 4;
  EXPECT_TRUE(Analyze(a, {}, Day(0), Day(30), o)
                  .follow_ups.reply_rate_without_follow_up.has_value());
}

TEST(FollowUpTest, NothingSentHasNoShare) {
  const FollowUpStats f = Analyze({}, {}, Day(0), Day(30), {}).follow_ups;
  EXPECT_FALSE(f.followed_up_share.has_value());
  EXPECT_FALSE(f.note.empty());
}

TEST(FollowUpTest, FollowUpsOnAnsweredThreadsStillCountAsAnswered) {
  model::ThreadState t = Started("a", 24, 48);
  t.follow_up_count = 2;  // Sent after the reply.
  t.last_outbound_time = Day(10);
  model::MemberActivity a;
  a.threads = {t};
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), {});
  EXPECT_EQ(r.current.threads_answered, 1);
  EXPECT_EQ(r.unanswered_count, 0);
  EXPECT_EQ(r.follow_ups.threads_past_threshold, 0);
}

}  // namespace
}  // namespace rapport::outreach
