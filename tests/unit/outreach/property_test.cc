// Properties over seeded random members: rates in [0, 1], answered never
// above started, breakdowns that sum to the totals, and more replies at the
// same volume never lowering the reply rate.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/outreach/report.h"
#include "tests/unit/outreach/test_util.h"

namespace rapport::outreach {
namespace {

using testing::Day;

constexpr int kMembers = 400;

// A time anywhere from 10 days before the window to 5 days after as_of
// (day 40): some out of range, on purpose.
absl::Time RandomTime(std::mt19937& rng) {
  return Day(-10) + absl::Seconds(std::uniform_int_distribution<int64_t>(
                        0, 55 * 86400)(rng));
}

model::ThreadState RandomThread(std::mt19937& rng, int i) {
  std::uniform_int_distribution<int> pct(0, 99);
  model::ThreadState t;
  t.thread_id = "t" + std::to_string(i);
  t.contact_id = "c" + std::to_string(i % 7);
  t.channel = static_cast<model::Channel>(
      std::uniform_int_distribution<int>(0, model::kMaxChannel)(rng));
  t.seniority = static_cast<model::Seniority>(
      std::uniform_int_distribution<int>(0, model::kMaxSeniority)(rng));
  if (pct(rng) < 85) {
    t.first_outbound_time = RandomTime(rng);
    t.last_outbound_time =
        *t.first_outbound_time + absl::Hours(pct(rng) < 50 ? 0 : pct(rng) * 3);
    t.follow_up_count = pct(rng) < 30 ? 1 + pct(rng) % 3 : 0;
  }
  if (pct(rng) < 60) {
    t.first_inbound_time = RandomTime(rng);
    t.last_inbound_time = *t.first_inbound_time + absl::Hours(pct(rng));
  }
  if (t.first_outbound_time && t.first_inbound_time) {
    if (*t.first_outbound_time <= *t.first_inbound_time) {
      t.first_reply_time = t.first_inbound_time;
    } else {
      t.first_answer_time = t.first_outbound_time;
    }
  }
  t.follow_ups_before_reply =
      t.first_reply_time ? t.follow_up_count / 2 : t.follow_up_count;
  return t;
}

model::MemberActivity RandomMember(std::mt19937& rng) {
  std::uniform_int_distribution<int> pct(0, 99);
  model::MemberActivity a;
  const int threads = std::uniform_int_distribution<int>(0, 40)(rng);
  for (int i = 0; i < threads; ++i) a.threads.push_back(RandomThread(rng, i));
  const int buckets = std::uniform_int_distribution<int>(0, 30)(rng);
  const model::EventType types[] = {
      model::EventType::kMessageSent, model::EventType::kFollowUpSent,
      model::EventType::kConnectionRequestSent,
      model::EventType::kMeetingBooked, model::EventType::kMessageReceived};
  for (int i = 0; i < buckets; ++i) {
    a.daily.push_back(testing::Bucket(
        std::uniform_int_distribution<int>(-5, 35)(rng), types[pct(rng) % 5],
        1 + pct(rng) % 9,
        static_cast<model::Channel>(pct(rng) % (model::kMaxChannel + 1)),
        static_cast<model::Seniority>(pct(rng) % (model::kMaxSeniority + 1))));
  }
  const int contacts = std::uniform_int_distribution<int>(0, 20)(rng);
  for (int i = 0; i < contacts; ++i) {
    model::ContactState c;
    c.contact_id = "c" + std::to_string(i);
    c.seniority =
        static_cast<model::Seniority>(pct(rng) % (model::kMaxSeniority + 1));
    c.category = static_cast<model::NetworkCategory>(
        pct(rng) % (model::kMaxNetworkCategory + 1));
    if (pct(rng) < 70) c.last_outbound_time = RandomTime(rng);
    if (pct(rng) < 60) c.last_inbound_time = RandomTime(rng);
    if (pct(rng) < 40) {
      c.connection_requested_time = RandomTime(rng);
      if (pct(rng) < 50) {
        c.connection_accepted_time =
            *c.connection_requested_time + absl::Hours(pct(rng));
      }
    }
    a.contacts.push_back(c);
  }
  return a;
}

void ExpectRatesValid(const OutreachStats& s) {
  EXPECT_LE(s.threads_answered, s.threads_started);
  EXPECT_LE(s.connections_accepted, s.contacts_asked_to_connect);
  EXPECT_EQ(s.reply_rate.has_value(), s.threads_started > 0);
  if (s.reply_rate) {
    EXPECT_GE(*s.reply_rate, 0.0);
    EXPECT_LE(*s.reply_rate, 1.0);
  }
  if (s.acceptance_rate) {
    EXPECT_GE(*s.acceptance_rate, 0.0);
    EXPECT_LE(*s.acceptance_rate, 1.0);
  }
  EXPECT_EQ(static_cast<int64_t>(s.reply_times.size()), s.threads_answered);
  if (s.median_time_to_reply) {
    EXPECT_GE(*s.median_time_to_reply, absl::ZeroDuration());
    EXPECT_LE(*s.median_time_to_reply, *s.p90_time_to_reply);
  }
}

OutreachStats Sum(const std::vector<OutreachBreakdown>& parts) {
  std::vector<OutreachStats> stats;
  for (const OutreachBreakdown& b : parts) stats.push_back(b.stats);
  return Combine(stats);
}

void ExpectSameCounts(const OutreachStats& a, const OutreachStats& b,
                      bool with_contacts) {
  EXPECT_EQ(a.messages_sent, b.messages_sent);
  EXPECT_EQ(a.connection_requests_sent, b.connection_requests_sent);
  EXPECT_EQ(a.follow_ups_sent, b.follow_ups_sent);
  EXPECT_EQ(a.meetings_booked, b.meetings_booked);
  EXPECT_EQ(a.threads_started, b.threads_started);
  EXPECT_EQ(a.threads_answered, b.threads_answered);
  EXPECT_EQ(a.reply_times, b.reply_times);
  if (with_contacts) {
    EXPECT_EQ(a.contacts_reached, b.contacts_reached);
    EXPECT_EQ(a.contacts_asked_to_connect, b.contacts_asked_to_connect);
    EXPECT_EQ(a.connections_accepted, b.connections_accepted);
  }
}

TEST(OutreachPropertyTest, RandomMembers) {
  std::mt19937 rng(20260101);
  const absl::Time start = Day(0);
  const absl::Time as_of = Day(30) + absl::Hours(13);
  std::vector<OutreachStats> team;
  for (int m = 0; m < kMembers; ++m) {
    SCOPED_TRACE(m);
    const model::MemberActivity a = RandomMember(rng);
    const OutreachReport r = Analyze(a, RandomMember(rng), start, as_of, {});
    ExpectRatesValid(r.current);
    ExpectRatesValid(r.previous);
    for (const OutreachBreakdown& b : r.by_channel) ExpectRatesValid(b.stats);
    for (const OutreachBreakdown& b : r.by_seniority) ExpectRatesValid(b.stats);
    ExpectSameCounts(Sum(r.by_channel), r.current, /*with_contacts=*/false);
    ExpectSameCounts(Sum(r.by_seniority), r.current, /*with_contacts=*/true);
    EXPECT_LE(r.unanswered_count,
              r.current.threads_started - r.current.threads_answered);
    EXPECT_LE(r.follow_ups.threads_past_threshold, r.current.threads_started);
    EXPECT_LE(r.reciprocity.inbound_answered, r.reciprocity.inbound_threads);
    EXPECT_LE(static_cast<int>(r.ideal_network.gone_quiet.size()),
              r.ideal_network.core_count);
    EXPECT_EQ(r.ideal_network.categories_covered.size() +
                  r.ideal_network.categories_missing.size(),
              7u);
    team.push_back(r.current);
  }
  const OutreachStats total = Combine(team);
  ExpectRatesValid(total);
}

// Answering one more unanswered started thread (same threads, same volume)
// never lowers the reply rate, overall or in its channel.
TEST(OutreachPropertyTest, MoreRepliesNeverLowerTheReplyRate) {
  std::mt19937 rng(7);
  const absl::Time start = Day(0);
  const absl::Time as_of = Day(30);
  int checked = 0;
  for (int m = 0; m < kMembers; ++m) {
    SCOPED_TRACE(m);
    model::MemberActivity a = RandomMember(rng);
    OutreachReport before = Analyze(a, {}, start, as_of, {});
    for (model::ThreadState& t : a.threads) {
      if (!t.first_outbound_time || *t.first_outbound_time < start ||
          *t.first_outbound_time > as_of || t.first_reply_time) {
        continue;
      }
      if (t.first_inbound_time &&
          *t.first_inbound_time < *t.first_outbound_time) {
        continue;
      }
      t.first_reply_time = *t.first_outbound_time + absl::Minutes(1);
      if (!t.first_inbound_time) t.first_inbound_time = t.first_reply_time;
      const OutreachReport after = Analyze(a, {}, start, as_of, {});
      ASSERT_TRUE(before.current.reply_rate && after.current.reply_rate);
      EXPECT_EQ(after.current.threads_started, before.current.threads_started);
      EXPECT_GE(*after.current.reply_rate, *before.current.reply_rate);
      EXPECT_LE(after.unanswered_count, before.unanswered_count);
      ++checked;
      before = after;
    }
  }
  EXPECT_GT(checked, kMembers);
}

}  // namespace
}  // namespace rapport::outreach
