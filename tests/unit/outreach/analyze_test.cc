// Edge cases of the outreach figures: nothing sent, replies counted once,
// the future ignored, time zones irrelevant, breakdowns that sum.
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/outreach/report.h"
#include "tests/unit/outreach/test_util.h"

namespace rapport::outreach {
namespace {

using model::Channel;
using model::EventType;
using model::Seniority;
using testing::Bucket;
using testing::Day;
using testing::Hour;
using testing::Started;

TEST(AnalyzeTest, NothingSentLeavesRatesAbsent) {
  const OutreachReport r = Analyze({}, {}, Day(0), Day(30), {});
  EXPECT_EQ(r.current, OutreachStats{});
  EXPECT_FALSE(r.current.reply_rate.has_value());
  EXPECT_FALSE(r.current.acceptance_rate.has_value());
  EXPECT_FALSE(r.current.meetings_per_100_threads.has_value());
  EXPECT_FALSE(r.current.median_time_to_reply.has_value());
  EXPECT_FALSE(r.previous.reply_rate.has_value());
  EXPECT_TRUE(r.unanswered.empty());
  EXPECT_EQ(r.unanswered_count, 0);
  EXPECT_TRUE(r.by_channel.empty());
  EXPECT_TRUE(r.by_seniority.empty());
  EXPECT_FALSE(r.reciprocity.answered_share.has_value());
  EXPECT_EQ(r.ideal_network.core_count, 0);
  EXPECT_EQ(r.ideal_network.categories_missing.size(), 7u);
}

TEST(AnalyzeTest, MessagesWithoutThreadsLeaveReplyRateAbsent) {
  model::MemberActivity a;
  a.daily = {Bucket(3, EventType::kMessageSent, 4)};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  EXPECT_EQ(s.messages_sent, 4);
  EXPECT_FALSE(s.reply_rate.has_value());
}

TEST(AnalyzeTest, CountsBucketsInTheWindowOnly) {
  model::MemberActivity a;
  a.daily = {Bucket(-1, EventType::kMessageSent, 100),
             Bucket(0, EventType::kMessageSent, 2),
             Bucket(5, EventType::kFollowUpSent, 3),
             Bucket(6, EventType::kConnectionRequestSent, 4),
             Bucket(7, EventType::kMeetingBooked, 1),
             Bucket(8, EventType::kMessageReceived, 50),
             Bucket(30, EventType::kMessageSent, 1),
             Bucket(31, EventType::kMessageSent, 100)};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30) + absl::Hours(1));
  EXPECT_EQ(s.messages_sent, 2 + 3 + 1);
  EXPECT_EQ(s.follow_ups_sent, 3);
  EXPECT_EQ(s.connection_requests_sent, 4);
  EXPECT_EQ(s.meetings_booked, 1);
}

TEST(AnalyzeTest, ReplyRateAndTimesToReply) {
  model::MemberActivity a;
  a.threads = {Started("a", 10, 11), Started("b", 10, 12), Started("c", 10, 20),
               Started("d", 10)};
  a.daily = {Bucket(1, EventType::kMeetingBooked, 2)};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  EXPECT_EQ(s.threads_started, 4);
  EXPECT_EQ(s.threads_answered, 3);
  EXPECT_DOUBLE_EQ(*s.reply_rate, 0.75);
  EXPECT_DOUBLE_EQ(*s.meetings_per_100_threads, 50);
  // Replies after 1, 2 and 10 h: median 2 h; p90 at rank 1.8 interpolates
  // 2 h + 0.8 * (10 h - 2 h).
  EXPECT_EQ(*s.median_time_to_reply, absl::Hours(2));
  EXPECT_EQ(*s.p90_time_to_reply, absl::Minutes(8 * 60 + 24));
}

TEST(AnalyzeTest, SeveralRepliesInOneThreadCountOnce) {
  model::ThreadState t = Started("a", 10, 11);
  t.last_inbound_time = Hour(40);
  t.inbound_count = 7;
  t.outbound_count = 5;
  model::MemberActivity a;
  a.threads = {t};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  EXPECT_EQ(s.threads_started, 1);
  EXPECT_EQ(s.threads_answered, 1);
  EXPECT_DOUBLE_EQ(*s.reply_rate, 1.0);
  EXPECT_EQ(s.reply_times.size(), 1u);
}

TEST(AnalyzeTest, ReplyAfterAsOfIsUnanswered) {
  model::MemberActivity a;
  a.threads = {Started("a", 10, 24 * 31)};
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), {});
  EXPECT_EQ(r.current.threads_started, 1);
  EXPECT_EQ(r.current.threads_answered, 0);
  EXPECT_DOUBLE_EQ(*r.current.reply_rate, 0.0);
  ASSERT_EQ(r.unanswered_count, 1);
  EXPECT_EQ(r.unanswered[0].thread_id, "a");
}

TEST(AnalyzeTest, MessageAfterAsOfIsNotStarted) {
  model::MemberActivity a;
  a.threads = {Started("a", 24 * 31)};
  EXPECT_EQ(ComputeStats(a, Day(0), Day(30)).threads_started, 0);
}

TEST(AnalyzeTest, ThreadTheContactStartedIsNotStartedByTheMember) {
  model::MemberActivity a;
  a.threads = {testing::Inbound("x", 10, 12)};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  EXPECT_EQ(s.threads_started, 0);
  EXPECT_FALSE(s.reply_rate.has_value());
}

TEST(AnalyzeTest, InboundAfterAsOfDoesNotStealTheThread) {
  // Recorded inbound first, but after as_of: the member started it by as_of.
  model::ThreadState t = Started("a", 24 * 20);
  t.first_inbound_time = Day(40);
  model::MemberActivity a;
  a.threads = {t};
  EXPECT_EQ(ComputeStats(a, Day(0), Day(30)).threads_started, 1);
}

TEST(AnalyzeTest, ConnectionAcceptanceFromContacts) {
  model::MemberActivity a;
  for (int i = 0; i < 4; ++i) {
    model::ContactState c;
    c.contact_id = "c" + std::to_string(i);
    c.connection_requested_time = Day(1 + i);
    if (i < 2) c.connection_accepted_time = Day(2 + i);
    if (i == 2) c.connection_accepted_time = Day(45);  // After as_of.
    a.contacts.push_back(c);
  }
  model::ContactState old;
  old.contact_id = "old";
  old.connection_requested_time = Day(-10);
  old.connection_accepted_time = Day(2);
  a.contacts.push_back(old);
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  EXPECT_EQ(s.contacts_asked_to_connect, 4);
  EXPECT_EQ(s.connections_accepted, 2);
  EXPECT_DOUBLE_EQ(*s.acceptance_rate, 0.5);
  EXPECT_EQ(s.contacts_reached, 4);
}

TEST(AnalyzeTest, ContactsReachedCountsEachContactOnce) {
  model::MemberActivity a;
  model::ContactState both;
  both.contact_id = "both";
  both.connection_requested_time = Day(1);
  both.last_outbound_time = Day(2);
  model::ContactState wrote;
  wrote.contact_id = "wrote";
  wrote.last_outbound_time = Day(3);
  model::ContactState inbound_only;
  inbound_only.contact_id = "in";
  inbound_only.last_inbound_time = Day(3);
  a.contacts = {both, wrote, inbound_only};
  EXPECT_EQ(ComputeStats(a, Day(0), Day(30)).contacts_reached, 2);
}

TEST(AnalyzeTest, TimeZonesDoNotMatter) {
  // The same instants written in two zones are the same absl::Time.
  const absl::TimeZone tokyo = absl::FixedTimeZone(9 * 3600);
  const absl::TimeZone la = absl::FixedTimeZone(-8 * 3600);
  model::ThreadState t1 = Started("a", 0);
  t1.first_outbound_time = t1.last_outbound_time =
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 18, 0, 0), tokyo);
  t1.first_reply_time = t1.first_inbound_time = t1.last_inbound_time =
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 3, 0, 0), la);
  model::MemberActivity a;
  a.threads = {t1};
  const OutreachStats s = ComputeStats(a, Day(0), Day(30));
  ASSERT_TRUE(s.median_time_to_reply.has_value());
  EXPECT_EQ(*s.median_time_to_reply, absl::Hours(2));
}

TEST(AnalyzeTest, BreakdownsSumToTotals) {
  model::MemberActivity a;
  a.threads = {
      Started("a", 10, 11, Channel::kEmail, Seniority::kCSuite),
      Started("b", 20, std::nullopt, Channel::kInmail, Seniority::kCSuite),
      Started("c", 30, 40, Channel::kInmail, Seniority::kVp)};
  a.daily = {
      Bucket(1, EventType::kMessageSent, 2, Channel::kEmail,
             Seniority::kCSuite),
      Bucket(1, EventType::kMessageSent, 3, Channel::kInmail, Seniority::kVp),
      Bucket(2, EventType::kConnectionRequestSent, 1, Channel::kConnectionNote,
             Seniority::kDirector)};
  const OutreachReport r = Analyze(a, {}, Day(0), Day(30), {});
  ASSERT_EQ(r.by_channel.size(), 3u);
  EXPECT_EQ(r.by_channel[0].channel, Channel::kEmail);
  EXPECT_EQ(r.by_channel[0].stats.threads_started, 1);
  EXPECT_DOUBLE_EQ(*r.by_channel[0].stats.reply_rate, 1.0);
  EXPECT_EQ(r.by_channel[1].channel, Channel::kInmail);
  EXPECT_DOUBLE_EQ(*r.by_channel[1].stats.reply_rate, 0.5);
  EXPECT_EQ(r.by_channel[2].channel, Channel::kConnectionNote);
  EXPECT_FALSE(r.by_channel[2].stats.reply_rate.has_value());
  ASSERT_EQ(r.by_seniority.size(), 3u);
  EXPECT_EQ(r.by_seniority[0].seniority, Seniority::kCSuite);
  EXPECT_EQ(r.by_seniority[0].stats.threads_started, 2);
  for (const auto* dim : {&r.by_channel, &r.by_seniority}) {
    int64_t sent = 0, started = 0, answered = 0, requests = 0;
    for (const OutreachBreakdown& b : *dim) {
      sent += b.stats.messages_sent;
      started += b.stats.threads_started;
      answered += b.stats.threads_answered;
      requests += b.stats.connection_requests_sent;
    }
    EXPECT_EQ(sent, r.current.messages_sent);
    EXPECT_EQ(started, r.current.threads_started);
    EXPECT_EQ(answered, r.current.threads_answered);
    EXPECT_EQ(requests, r.current.connection_requests_sent);
  }
}

TEST(AnalyzeTest, PreviousWindowFromPreviousActivity) {
  model::MemberActivity prev;
  prev.threads = {Started("p1", -24 * 10, -24 * 9), Started("p2", -24 * 5),
                  Started("too-old", -24 * 40, -24 * 39)};
  prev.daily = {Bucket(-3, EventType::kMessageSent, 2)};
  model::MemberActivity cur;
  cur.threads = {Started("c", 10)};
  const OutreachReport r = Analyze(cur, prev, Day(0), Day(30), {});
  EXPECT_EQ(r.previous.threads_started, 2);
  EXPECT_DOUBLE_EQ(*r.previous.reply_rate, 0.5);
  EXPECT_EQ(r.previous.messages_sent, 2);
  EXPECT_DOUBLE_EQ(*r.current.reply_rate, 0.0);
}

TEST(AnalyzeTest, MinRateSampleWithholdsRates) {
  model::MemberActivity a;
  a.threads = {Started("a", 10, 11), Started("b", 10)};
  OutreachOptions o;
  o.min_rate_sample = 3;
  EXPECT_FALSE(ComputeStats(a, Day(0), Day(30), o).reply_rate.has_value());
  o.min_rate_sample = 2;
  EXPECT_DOUBLE_EQ(*ComputeStats(a, Day(0), Day(30), o).reply_rate, 0.5);
}

TEST(AnalyzeTest, EmptyWindowCountsNothing) {
  model::MemberActivity a;
  a.threads = {Started("a", 10, 11)};
  a.daily = {Bucket(0, EventType::kMessageSent, 1)};
  EXPECT_EQ(ComputeStats(a, Day(30), Day(0)), OutreachStats{});
}

TEST(CombineTest, SumsAndRecomputesRatesAndPooledQuantiles) {
  model::MemberActivity a;
  a.threads = {Started("a", 10, 11), Started("b", 10)};
  model::MemberActivity b;
  b.threads = {Started("c", 10, 13), Started("d", 10, 14), Started("e", 10, 15),
               Started("f", 10)};
  const OutreachStats sa = ComputeStats(a, Day(0), Day(30));
  const OutreachStats sb = ComputeStats(b, Day(0), Day(30));
  const OutreachStats team = Combine(std::vector<OutreachStats>{sa, sb});
  EXPECT_EQ(team.threads_started, 6);
  EXPECT_EQ(team.threads_answered, 4);
  EXPECT_DOUBLE_EQ(*team.reply_rate, 4.0 / 6.0);  // Not (0.5 + 0.75) / 2.
  // Pooled replies 1, 3, 4, 5 h: median 3.5 h, p90 at rank 2.7 is 4.7 h.
  EXPECT_EQ(*team.median_time_to_reply, absl::Minutes(210));
  EXPECT_EQ(*team.p90_time_to_reply, absl::Minutes(282));
}

TEST(CombineTest, EmptyTeamHasAbsentRates) {
  const OutreachStats team = Combine(absl::Span<const OutreachStats>());
  EXPECT_EQ(team, OutreachStats{});
}

}  // namespace
}  // namespace rapport::outreach
