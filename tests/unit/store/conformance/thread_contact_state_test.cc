// Thread and contact states as ReadActivity returns them, including reads
// about the past (events after `to` are not reflected).
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::Channel;
using model::EventType;
using model::NetworkCategory;
using model::Seniority;
using testing::At;
using testing::Describe;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OnDay;

constexpr EventType kSent = EventType::kMessageSent;
constexpr EventType kReceived = EventType::kMessageReceived;
constexpr EventType kFollowUp = EventType::kFollowUpSent;

class StateTest : public testing::StoreConformanceTest {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  }

  // Appends messages of thread "t" with contact "c": (type, minute) pairs.
  void Thread(const std::vector<std::pair<EventType, int>>& messages) {
    std::vector<model::Event> events;
    for (const auto& [type, minute] : messages) {
      events.push_back(
          MakeMessage(absl::StrCat("t-", minute, "-", events.size()), "m1", "t",
                      contact_, type, At(minute)));
    }
    Append(events);
  }

  void Append(const std::vector<model::Event>& events) {
    auto outcomes = store_->AppendEvents("acme", events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    for (AppendOutcome o : *outcomes) ASSERT_EQ(o, AppendOutcome::kAccepted);
  }

  model::MemberActivity Read(absl::Time from, absl::Time to) {
    auto activity = store_->ReadActivity("acme", "m1", from, to);
    EXPECT_TRUE(activity.ok()) << activity.status();
    return activity.ok() ? *activity : model::MemberActivity{};
  }

  // The only thread, as of `to`.
  model::ThreadState OnlyThread(absl::Time to = At(100000)) {
    model::MemberActivity activity = Read(At(0), to);
    EXPECT_EQ(activity.threads.size(), 1u);
    return activity.threads.empty() ? model::ThreadState{}
                                    : activity.threads[0];
  }

  model::ContactState OnlyContact(absl::Time to = At(100000)) {
    model::MemberActivity activity = Read(At(0), to);
    EXPECT_EQ(activity.contacts.size(), 1u);
    return activity.contacts.empty() ? model::ContactState{}
                                     : activity.contacts[0];
  }

  model::Contact contact_ = MakeContact("c");
};

TEST_P(StateTest, SeveralRepliesKeepTheFirst) {
  Thread({{kSent, 0}, {kReceived, 10}, {kSent, 20}, {kReceived, 30}});
  model::ThreadState t = OnlyThread();
  EXPECT_EQ(t.thread_id, "t");
  EXPECT_EQ(t.contact_id, "c");
  EXPECT_EQ(t.channel, Channel::kEmail);
  EXPECT_EQ(t.first_outbound_time, At(0));
  EXPECT_EQ(t.last_outbound_time, At(20));
  EXPECT_EQ(t.first_inbound_time, At(10));
  EXPECT_EQ(t.last_inbound_time, At(30));
  EXPECT_EQ(t.first_reply_time, At(10));
  EXPECT_EQ(t.first_answer_time, At(20));
  EXPECT_EQ(t.outbound_count, 2);
  EXPECT_EQ(t.inbound_count, 2);
  EXPECT_TRUE(t.member_started());
}

TEST_P(StateTest, FollowUpsBeforeAndAfterTheReply) {
  Thread({{kSent, 0},
          {kFollowUp, 5},
          {kFollowUp, 8},
          {kReceived, 10},
          {kFollowUp, 15}});
  model::ThreadState t = OnlyThread();
  EXPECT_EQ(t.follow_up_count, 3);
  EXPECT_EQ(t.follow_ups_before_reply, 2);
  EXPECT_EQ(t.outbound_count, 4);  // Follow-ups are outbound.
  EXPECT_EQ(t.first_reply_time, At(10));
  EXPECT_EQ(t.last_outbound_time, At(15));
}

TEST_P(StateTest, WithoutReplyAllFollowUpsCount) {
  Thread({{kSent, 0}, {kFollowUp, 5}, {kFollowUp, 8}});
  model::ThreadState t = OnlyThread();
  EXPECT_EQ(t.first_reply_time, std::nullopt);
  EXPECT_EQ(t.follow_ups_before_reply, 2);
}

TEST_P(StateTest, ContactStartedThreadHasAnAnswerNotAReply) {
  Thread({{kReceived, 0}, {kSent, 10}, {kReceived, 20}});
  model::ThreadState t = OnlyThread();
  EXPECT_FALSE(t.member_started());
  EXPECT_EQ(t.first_answer_time, At(10));
  // The inbound at 20 follows the member's first outbound: it is a reply.
  EXPECT_EQ(t.first_reply_time, At(20));
}

TEST_P(StateTest, SimultaneousInboundIsNotAReply) {
  Thread({{kSent, 5}, {kReceived, 5}});
  model::ThreadState t = OnlyThread();
  EXPECT_EQ(t.first_reply_time, std::nullopt);
  EXPECT_EQ(t.first_answer_time, std::nullopt);
  EXPECT_TRUE(t.member_started());
}

TEST_P(StateTest, ReplyAfterToIsNotVisible) {
  Thread({{kSent, 0}, {kFollowUp, 60}, {kReceived, 120}, {kSent, 180}});
  model::ThreadState before = OnlyThread(At(90));
  EXPECT_EQ(before.first_reply_time, std::nullopt);
  EXPECT_EQ(before.inbound_count, 0);
  EXPECT_EQ(before.outbound_count, 2);
  EXPECT_EQ(before.follow_ups_before_reply, 1);
  EXPECT_EQ(before.last_outbound_time, At(60));
  model::ContactState contact_before = OnlyContact(At(90));
  EXPECT_EQ(contact_before.last_inbound_time, std::nullopt);
  EXPECT_EQ(contact_before.outbound_count, 2);

  model::ThreadState at_reply = OnlyThread(At(120));
  EXPECT_EQ(at_reply.first_reply_time, At(120));
  EXPECT_EQ(at_reply.first_answer_time, std::nullopt);

  model::ThreadState now = OnlyThread();
  EXPECT_EQ(now.first_answer_time, At(180));
  EXPECT_EQ(now.outbound_count, 3);
}

TEST_P(StateTest, OnlyThreadsActiveInTheRangeAreReturned) {
  Thread({{kSent, 0}, {kReceived, 1000}});
  EXPECT_TRUE(Read(At(10), At(900)).threads.empty());  // A gap, no activity.
  EXPECT_TRUE(Read(At(10), At(900)).contacts.empty());
  EXPECT_EQ(Read(At(1000), At(1000)).threads.size(), 1u);  // Inclusive.
  model::MemberActivity early = Read(At(0), At(0));
  ASSERT_EQ(early.threads.size(), 1u);
  EXPECT_EQ(early.threads[0].inbound_count, 0);
}

TEST_P(StateTest, ThreadAttributesDoNotDependOnIngestOrder) {
  model::Contact unknown =
      MakeContact("c", Seniority::kUnknown, NetworkCategory::kUnspecified);
  model::Contact director =
      MakeContact("c", Seniority::kDirector, NetworkCategory::kFeedback);
  // The later message first, the first message (by time) second.
  Append({MakeMessage("b", "m1", "t", unknown, kReceived, At(10),
                      Channel::kEmail)});
  Append(
      {MakeMessage("a", "m1", "t", director, kSent, At(0), Channel::kInmail)});
  model::ThreadState t = OnlyThread();
  EXPECT_EQ(t.channel, Channel::kInmail);  // The first message's.
  // The latest non-default attributes: the later message reported none.
  EXPECT_EQ(t.seniority, Seniority::kDirector);
  EXPECT_EQ(t.category, NetworkCategory::kFeedback);
  EXPECT_EQ(t.first_reply_time, At(10));
}

TEST_P(StateTest, ContactFollowUpAfterEvent) {
  model::Contact c = MakeContact("c", Seniority::kManager);
  model::Contact promoted = MakeContact("c", Seniority::kVp);
  promoted.industry = "";  // Not reported: the earlier value stays.
  promoted.region = "us";
  Append({
      MakeContactEvent("req", "m1", c, EventType::kConnectionRequestSent,
                       At(0)),
      MakeContactEvent("req2", "m1", c, EventType::kConnectionRequestSent,
                       At(5)),
      MakeContactEvent("acc", "m1", c, EventType::kConnectionAccepted, At(50)),
      MakeContactEvent("met1", "m1", c, EventType::kContactMetAtEvent, At(100)),
      MakeMessage("s1", "m1", "t", c, kSent, At(100)),  // At the meeting.
      MakeMessage("r1", "m1", "t", promoted, kReceived, At(150)),
      MakeContactEvent("mb1", "m1", promoted, EventType::kMeetingBooked,
                       At(160)),
      MakeContactEvent("mb2", "m1", promoted, EventType::kMeetingBooked,
                       At(170)),
  });
  model::ContactState s = OnlyContact();
  EXPECT_EQ(s.contact_id, "c");
  EXPECT_EQ(s.first_time, At(0));
  EXPECT_EQ(s.connection_requested_time, At(0));
  EXPECT_EQ(s.connection_accepted_time, At(50));
  EXPECT_EQ(s.met_at_event_time, At(100));
  EXPECT_EQ(s.followed_up_after_event_time, At(100));
  EXPECT_EQ(s.last_outbound_time, At(100));
  EXPECT_EQ(s.last_inbound_time, At(150));
  EXPECT_EQ(s.outbound_count, 1);
  EXPECT_EQ(s.inbound_count, 1);
  EXPECT_EQ(s.meetings_booked, 2);
  EXPECT_EQ(s.seniority, Seniority::kVp);
  EXPECT_EQ(s.industry, "finance");
  EXPECT_EQ(s.region, "us");

  // Met again later, no message since: no follow-up of the latest meeting.
  Append({MakeContactEvent("met2", "m1", c, EventType::kContactMetAtEvent,
                           At(200))});
  s = OnlyContact();
  EXPECT_EQ(s.met_at_event_time, At(200));
  EXPECT_EQ(s.followed_up_after_event_time, std::nullopt);
  // A follow-up in another thread counts: contacts span threads.
  Append({MakeMessage("f2", "m1", "t2", c, kFollowUp, At(260))});
  s = OnlyContact();
  EXPECT_EQ(s.followed_up_after_event_time, At(260));
  EXPECT_EQ(s.outbound_count, 2);

  // As of before the second meeting: the first one, followed up.
  model::ContactState past = OnlyContact(At(190));
  EXPECT_EQ(past.met_at_event_time, At(100));
  EXPECT_EQ(past.followed_up_after_event_time, At(100));
  EXPECT_EQ(past.meetings_booked, 2);
  // Before anything but the requests.
  past = OnlyContact(At(10));
  EXPECT_EQ(past.connection_requested_time, At(0));
  EXPECT_EQ(past.connection_accepted_time, std::nullopt);
  EXPECT_EQ(past.seniority, Seniority::kManager);
}

TEST_P(StateTest, ContactsAndThreadsAreOrderedById) {
  Append({MakeMessage("1", "m1", "tb", MakeContact("cb"), kSent, At(1)),
          MakeMessage("2", "m1", "ta", MakeContact("cc"), kSent, At(2)),
          MakeMessage("3", "m1", "tc", MakeContact("ca"), kSent, At(3))});
  model::MemberActivity a = Read(At(0), At(10));
  ASSERT_EQ(a.threads.size(), 3u);
  EXPECT_EQ(a.threads[0].thread_id, "ta");
  EXPECT_EQ(a.threads[2].thread_id, "tc");
  ASSERT_EQ(a.contacts.size(), 3u);
  EXPECT_EQ(a.contacts[0].contact_id, "ca");
  EXPECT_EQ(a.contacts[2].contact_id, "cc");
}

RAPPORT_STORE_CONFORMANCE(StateTest);

}  // namespace
}  // namespace rapport::store
