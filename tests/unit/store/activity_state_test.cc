// The pure derivations of thread and contact state.
#include "server/store/activity_state.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store::internal {
namespace {

using model::Channel;
using model::EventType;
using ::rapport::store::testing::At;
using ::rapport::store::testing::MakeContact;
using ::rapport::store::testing::MakeContactEvent;
using ::rapport::store::testing::MakeEvent;
using ::rapport::store::testing::MakeMessage;

TEST(DeriveThreadStateTest, NoEventsGiveTheDefaultState) {
  model::ThreadState s = DeriveThreadState({});
  EXPECT_EQ(s.thread_id, "");
  EXPECT_EQ(s.outbound_count, 0);
  EXPECT_FALSE(s.member_started());
}

TEST(DeriveThreadStateTest, IgnoresEventsThatAreNotMessages) {
  model::Contact c = MakeContact("c");
  model::Event booked =
      MakeContactEvent("x", "m", c, EventType::kMeetingBooked, At(0));
  booked.thread_id = "t";
  std::vector<model::Event> events = {
      booked, MakeMessage("a", "m", "t", c, EventType::kMessageSent, At(5),
                          Channel::kPhone)};
  model::ThreadState s = DeriveThreadState(events);
  EXPECT_EQ(s.channel, Channel::kPhone);
  EXPECT_EQ(s.outbound_count, 1);
  EXPECT_EQ(s.inbound_count, 0);
}

TEST(DeriveThreadStateTest, ReplyAndAnswerNeedStrictlyLaterTimes) {
  model::Contact c = MakeContact("c");
  std::vector<model::Event> events = {
      MakeMessage("a", "m", "t", c, EventType::kMessageReceived, At(0)),
      MakeMessage("b", "m", "t", c, EventType::kFollowUpSent, At(0)),
      MakeMessage("c", "m", "t", c, EventType::kMessageSent, At(1)),
      MakeMessage("d", "m", "t", c, EventType::kMessageReceived, At(2)),
      MakeMessage("e", "m", "t", c, EventType::kFollowUpSent, At(2)),
  };
  model::ThreadState s = DeriveThreadState(events);
  EXPECT_EQ(s.first_answer_time, At(1));
  EXPECT_EQ(s.first_reply_time, At(2));
  EXPECT_EQ(s.follow_up_count, 2);
  // The follow-up at the reply's time is not before it.
  EXPECT_EQ(s.follow_ups_before_reply, 1);
  EXPECT_TRUE(s.member_started());  // Outbound and inbound tie at 0.
}

TEST(DeriveContactStateTest, IgnoresEventsWithoutAContact) {
  model::Contact c = MakeContact("c");
  std::vector<model::Event> events = {
      MakeEvent("p", "m", EventType::kPostPublished, At(0)),
      MakeContactEvent("v", "m", c, EventType::kProspectProfileViewed, At(3)),
  };
  model::ContactState s = DeriveContactState(events);
  EXPECT_EQ(s.contact_id, "c");
  EXPECT_EQ(s.first_time, At(3));
  EXPECT_EQ(s.outbound_count, 0);
  EXPECT_EQ(s.met_at_event_time, std::nullopt);
}

TEST(DeriveContactStateTest, FollowUpBeforeTheMeetingDoesNotCount) {
  model::Contact c = MakeContact("c");
  std::vector<model::Event> events = {
      MakeMessage("a", "m", "t", c, EventType::kMessageSent, At(0)),
      MakeContactEvent("b", "m", c, EventType::kContactMetAtEvent, At(10)),
      MakeMessage("c", "m", "t", c, EventType::kMessageReceived, At(20)),
  };
  model::ContactState s = DeriveContactState(events);
  EXPECT_EQ(s.met_at_event_time, At(10));
  EXPECT_EQ(s.followed_up_after_event_time, std::nullopt);
}

}  // namespace
}  // namespace rapport::store::internal
