// Apply(): the aggregates the store would derive from the action's events.
#include "server/recommend/action.h"

#include "gtest/gtest.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::recommend {
namespace {

using model::EventType;
using scoring::testutil::Ago;
using scoring::testutil::AnsweredThread;
using scoring::testutil::AsOf;
using scoring::testutil::DayOf;
using scoring::testutil::ReceivedThread;
using scoring::testutil::SentThread;

int64_t BucketCount(const model::MemberActivity& a, EventType type) {
  int64_t n = 0;
  for (const auto& d : a.daily) {
    if (d.type == type && d.day == DayOf(AsOf())) n += d.count;
  }
  return n;
}

TEST(ApplyTest, ProfileEditsAddToTheCounts) {
  model::Profile p;
  p.certifications_count = 1;
  model::MemberActivity a;
  Action action;
  action.profile.set_photo = true;
  action.profile.add_certifications = 1;
  action.profile.add_positions = 1;
  action.profile.add_described_positions = 1;
  action.profile.add_recommendations_given = 1;
  Apply(action, AsOf(), p, a);
  EXPECT_TRUE(p.has_photo);
  EXPECT_EQ(p.certifications_count, 2);
  EXPECT_EQ(p.positions_count, 1);
  EXPECT_EQ(p.positions_with_description_count, 1);
  EXPECT_EQ(p.recommendations_given_count, 1);
  EXPECT_EQ(p.education_count, 0);
}

TEST(ApplyTest, EventsAreBucketedOnAsOfsDay) {
  model::Profile p;
  model::MemberActivity a;
  a.daily.push_back(
      scoring::testutil::Bucket(DayOf(AsOf()), EventType::kPostPublished, 1));
  Action action;
  action.events = {{EventType::kPostPublished, 2},
                   {EventType::kGroupAnswer, 1}};
  Apply(action, AsOf(), p, a);
  EXPECT_EQ(BucketCount(a, EventType::kPostPublished), 3);
  EXPECT_EQ(BucketCount(a, EventType::kGroupAnswer), 1);
}

TEST(ApplyTest, FirstMessageStartsAThreadAndAContact) {
  model::Profile p;
  model::MemberActivity a;
  Action action;
  MessageEdit m;
  m.thread_id = "new";
  m.contact_id = "c1";
  m.seniority = model::Seniority::kVp;
  action.messages.push_back(m);
  Apply(action, AsOf(), p, a);
  ASSERT_EQ(a.threads.size(), 1u);
  EXPECT_TRUE(a.threads[0].member_started());
  EXPECT_EQ(a.threads[0].first_outbound_time, AsOf());
  EXPECT_FALSE(a.threads[0].first_reply_time.has_value());
  ASSERT_EQ(a.contacts.size(), 1u);
  EXPECT_EQ(a.contacts[0].contact_id, "c1");
  EXPECT_EQ(a.contacts[0].seniority, model::Seniority::kVp);
  EXPECT_EQ(a.contacts[0].last_outbound_time, AsOf());
  EXPECT_EQ(BucketCount(a, EventType::kMessageSent), 1);
}

TEST(ApplyTest, AnsweredFollowUpIsAReplyAfterAFollowUp) {
  model::Profile p;
  model::MemberActivity a;
  a.threads.push_back(SentThread("t1", Ago(AsOf(), 10)));
  Action action;
  MessageEdit m;
  m.thread_id = "t1";
  m.contact_id = a.threads[0].contact_id;
  m.follow_up = true;
  m.answer_probability = 0.3;  // Not read: the outcome decides.
  action.messages.push_back(m);
  Outcome answered;
  answered.answered = {true};
  Apply(action, answered, AsOf(), p, a);
  const model::ThreadState& t = a.threads[0];
  EXPECT_EQ(t.first_outbound_time, Ago(AsOf(), 10));
  EXPECT_EQ(t.follow_up_count, 1);
  EXPECT_EQ(t.follow_ups_before_reply, 1);
  EXPECT_EQ(t.first_reply_time, AsOf());
  ASSERT_EQ(a.contacts.size(), 1u);
  EXPECT_EQ(a.contacts[0].last_inbound_time, AsOf());
  EXPECT_EQ(BucketCount(a, EventType::kFollowUpSent), 1);
  EXPECT_EQ(BucketCount(a, EventType::kMessageReceived), 1);
}

// Without an outcome only the member's part happens, whatever the
// probabilities say.
TEST(ApplyTest, MemberPartAloneByDefault) {
  model::Profile p;
  model::MemberActivity a;
  a.threads.push_back(SentThread("t1", Ago(AsOf(), 10)));
  Action action;
  MessageEdit m;
  m.thread_id = "t1";
  m.contact_id = a.threads[0].contact_id;
  m.follow_up = true;
  m.answer_probability = 1;
  action.messages.push_back(m);
  action.connections = {{"c2", model::Seniority::kVp, 1}};
  action.expected_events = {{EventType::kReactionReceived, 4.5}};
  Apply(action, AsOf(), p, a);
  EXPECT_FALSE(a.threads[0].first_reply_time.has_value());
  EXPECT_EQ(BucketCount(a, EventType::kMessageReceived), 0);
  EXPECT_EQ(BucketCount(a, EventType::kConnectionAccepted), 0);
  EXPECT_EQ(BucketCount(a, EventType::kReactionReceived), 0);
}

TEST(ApplyTest, ExpectedEventsComeAsTheOutcomeCounts) {
  model::Profile p;
  model::MemberActivity a;
  Action action;
  action.events = {{EventType::kPostPublished, 2}};
  action.expected_events = {{EventType::kReactionReceived, 21.1},
                            {EventType::kCommentReceived, 2.4},
                            {EventType::kShareReceived, 0.5}};
  Outcome o;
  o.event_counts = {21, 3};  // No share: a missing entry is none.
  Apply(action, o, AsOf(), p, a);
  EXPECT_EQ(BucketCount(a, EventType::kPostPublished), 2);
  EXPECT_EQ(BucketCount(a, EventType::kReactionReceived), 21);
  EXPECT_EQ(BucketCount(a, EventType::kCommentReceived), 3);
  EXPECT_EQ(BucketCount(a, EventType::kShareReceived), 0);
}

TEST(ApplyTest, WritingInAThreadTheContactStartedAnswersIt) {
  model::Profile p;
  model::MemberActivity a;
  a.threads.push_back(ReceivedThread("t1", Ago(AsOf(), 3)));
  Action action;
  MessageEdit m;
  m.thread_id = "t1";
  m.contact_id = a.threads[0].contact_id;
  action.messages.push_back(m);
  Apply(action, AsOf(), p, a);
  EXPECT_FALSE(a.threads[0].member_started());
  EXPECT_EQ(a.threads[0].first_answer_time, AsOf());
}

TEST(ApplyTest, EventContactIsFollowedUp) {
  model::Profile p;
  model::MemberActivity a;
  model::ContactState c;
  c.contact_id = "c1";
  c.met_at_event_time = Ago(AsOf(), 1);
  a.contacts.push_back(c);
  Action action;
  MessageEdit m;
  m.thread_id = "new";
  m.contact_id = "c1";
  action.messages.push_back(m);
  Apply(action, AsOf(), p, a);
  ASSERT_EQ(a.contacts.size(), 1u);
  EXPECT_EQ(a.contacts[0].followed_up_after_event_time, AsOf());
}

TEST(ApplyTest, ConnectionRequestAndAcceptance) {
  model::Profile p;
  model::MemberActivity a;
  Action action;
  action.connections = {{"c1", model::Seniority::kCSuite, 0.5},
                        {"c2", model::Seniority::kVp, 0.5}};
  Outcome first;
  first.accepted = {true, false};
  Apply(action, first, AsOf(), p, a);
  ASSERT_EQ(a.contacts.size(), 2u);
  EXPECT_EQ(a.contacts[0].connection_requested_time, AsOf());
  EXPECT_EQ(a.contacts[0].connection_accepted_time, AsOf());
  EXPECT_EQ(a.contacts[1].connection_requested_time, AsOf());
  EXPECT_FALSE(a.contacts[1].connection_accepted_time.has_value());
  EXPECT_EQ(BucketCount(a, EventType::kConnectionRequestSent), 2);
  EXPECT_EQ(BucketCount(a, EventType::kConnectionAccepted), 1);
}

TEST(ApplyTest, WithdrawnThreadLeavesTheContactsOtherThreads) {
  model::Profile p;
  model::MemberActivity a;
  a.threads.push_back(SentThread("old", Ago(AsOf(), 20)));
  a.threads.push_back(SentThread("new", Ago(AsOf(), 2)));
  a.threads.push_back(AnsweredThread("other", Ago(AsOf(), 5), Ago(AsOf(), 4)));
  for (auto& t : a.threads) t.contact_id = "c1";
  model::ContactState c;
  c.contact_id = "c1";
  c.last_outbound_time = Ago(AsOf(), 2);
  c.outbound_count = 3;
  a.contacts.push_back(c);
  Action action;
  action.withdrawn_threads = {"new", "absent"};
  Apply(action, AsOf(), p, a);
  ASSERT_EQ(a.threads.size(), 2u);
  EXPECT_EQ(a.contacts[0].last_outbound_time, Ago(AsOf(), 5));
  EXPECT_EQ(a.contacts[0].outbound_count, 2);
  action.withdrawn_threads = {"old", "other"};
  Apply(action, AsOf(), p, a);
  EXPECT_TRUE(a.threads.empty());
  EXPECT_FALSE(a.contacts[0].last_outbound_time.has_value());
}

}  // namespace
}  // namespace rapport::recommend
