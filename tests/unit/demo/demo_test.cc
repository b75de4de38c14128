#include "client/demo/demo.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace rapport::demo {
namespace {

using rapport::v1::Event;
using rapport::v1::EventType;

const absl::Time kEnd = absl::FromCivil(absl::CivilSecond(2024, 6, 1, 0, 0, 0),
                                        absl::UTCTimeZone());

DemoOptions Options(int members, uint64_t seed = 1, int days = 90) {
  DemoOptions o;
  o.member_count = members;
  o.days = days;
  o.seed = seed;
  o.end_time = kEnd;
  return o;
}

std::string Serialized(const DemoOrg& org) {
  std::string bytes;
  for (const auto& m : org.members) bytes += m.SerializeAsString();
  for (const auto& e : org.events) bytes += e.SerializeAsString();
  return bytes;
}

absl::Time TimeOf(const Event& e) {
  return absl::FromUnixSeconds(e.occur_time().seconds()) +
         absl::Nanoseconds(e.occur_time().nanos());
}

// FNV-1a: a fingerprint of the org that any machine must reproduce.
uint64_t Fingerprint(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

TEST(DemoTest, SameOptionsGiveIdenticalBytes) {
  const DemoOrg a = GenerateDemoOrg(Options(24));
  const DemoOrg b = GenerateDemoOrg(Options(24));
  ASSERT_FALSE(a.events.empty());
  EXPECT_EQ(Serialized(a), Serialized(b));
  EXPECT_EQ(a.persona_by_member, b.persona_by_member);
}

TEST(DemoTest, DifferentSeedsGiveDifferentOrgs) {
  EXPECT_NE(Serialized(GenerateDemoOrg(Options(24, 1))),
            Serialized(GenerateDemoOrg(Options(24, 2))));
}

// The generator must not depend on the platform (no <random> distributions,
// no fused multiply-add). If a deliberate change to the generator moves this
// value, update it; if only a platform change moves it, that is a bug.
TEST(DemoTest, OutputMatchesTheRecordedFingerprint) {
  const DemoOrg org = GenerateDemoOrg(Options(12));
  EXPECT_EQ(org.members.size(), 12u);
  EXPECT_EQ(Fingerprint(Serialized(org)), 0x5132edc4ffe5a25aULL)
      << "events: " << org.events.size();
}

TEST(DemoTest, StreamingVisitsTheSameEvents) {
  const DemoOptions options = Options(12);
  const DemoOrg org = GenerateDemoOrg(options);
  std::set<std::string> streamed;
  ForEachDemoEvent(options,
                   [&](const Event& e) { streamed.insert(e.event_id()); });
  std::set<std::string> whole;
  for (const Event& e : org.events) whole.insert(e.event_id());
  EXPECT_EQ(streamed, whole);
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' ||
           c == '@' || c == '-';
  });
}

bool InvolvesContact(EventType t) {
  switch (t) {
    case v1::EVENT_TYPE_CONNECTION_REQUEST_SENT:
    case v1::EVENT_TYPE_CONNECTION_ACCEPTED:
    case v1::EVENT_TYPE_MESSAGE_SENT:
    case v1::EVENT_TYPE_MESSAGE_RECEIVED:
    case v1::EVENT_TYPE_FOLLOW_UP_SENT:
    case v1::EVENT_TYPE_LEAD_SAVED:
    case v1::EVENT_TYPE_PROSPECT_PROFILE_VIEWED:
    case v1::EVENT_TYPE_RECOMMENDATION_GIVEN:
    case v1::EVENT_TYPE_RECOMMENDATION_RECEIVED:
    case v1::EVENT_TYPE_CONTACT_MET_AT_EVENT:
    case v1::EVENT_TYPE_MEETING_BOOKED:
      return true;
    default:
      return false;
  }
}

bool IsMessage(EventType t) {
  return t == v1::EVENT_TYPE_MESSAGE_SENT ||
         t == v1::EVENT_TYPE_MESSAGE_RECEIVED ||
         t == v1::EVENT_TYPE_FOLLOW_UP_SENT;
}

bool IsCounted(EventType t) {
  return t == v1::EVENT_TYPE_REACTION_RECEIVED ||
         t == v1::EVENT_TYPE_COMMENT_RECEIVED ||
         t == v1::EVENT_TYPE_SHARE_RECEIVED ||
         t == v1::EVENT_TYPE_PROSPECT_SEARCH;
}

void ExpectValid(const DemoOptions& options) {
  const DemoOrg org = GenerateDemoOrg(options);
  const absl::Time start = options.end_time - absl::Hours(24) * options.days;
  std::set<std::string> members;
  for (const auto& m : org.members) {
    EXPECT_TRUE(ValidId(m.member_id())) << m.member_id();
    EXPECT_FALSE(m.display_name().empty());
    EXPECT_FALSE(m.team().empty());
    EXPECT_FALSE(m.industry().empty());
    EXPECT_LE(m.profile().positions_with_description_count(),
              m.profile().positions_count());
    members.insert(m.member_id());
  }
  std::set<std::string> ids;
  absl::Time previous = absl::InfinitePast();
  for (const Event& e : org.events) {
    SCOPED_TRACE(e.ShortDebugString());
    ASSERT_TRUE(ValidId(e.event_id()));
    ASSERT_TRUE(ids.insert(e.event_id()).second) << "duplicate event_id";
    ASSERT_EQ(members.count(e.member_id()), 1u);
    const absl::Time t = TimeOf(e);
    ASSERT_GT(t, start);
    ASSERT_LE(t, options.end_time);
    ASSERT_GE(t, previous) << "not sorted by occur_time";
    previous = t;
    ASSERT_NE(e.type(), v1::EVENT_TYPE_UNSPECIFIED);
    if (InvolvesContact(e.type())) {
      ASSERT_TRUE(ValidId(e.contact().contact_id()));
    }
    if (IsMessage(e.type())) {
      ASSERT_TRUE(ValidId(e.thread_id()));
      ASSERT_NE(e.channel(), v1::CHANNEL_UNSPECIFIED);
    }
    if (e.type() == v1::EVENT_TYPE_CONNECTION_REQUEST_SENT) {
      ASSERT_NE(e.channel(), v1::CHANNEL_UNSPECIFIED);
    }
    ASSERT_GE(e.quantity(), 0);
    ASSERT_LE(e.quantity(), IsCounted(e.type()) ? 10000 : 1);
    if (!e.content_id().empty()) {
      ASSERT_LE(e.content_id().size(), 128u);
    }
  }
}

TEST(DemoTest, EveryEventPassesServerValidation) { ExpectValid(Options(60)); }

TEST(DemoTest, ShortAndOddWindowsStayValid) {
  DemoOptions o = Options(12, 3, 1);
  o.end_time = kEnd + absl::Seconds(37) + absl::Milliseconds(250);
  ExpectValid(o);
  ExpectValid(Options(12, 4, 10));
}

TEST(DemoTest, CoversEveryEventType) {
  const DemoOrg org = GenerateDemoOrg(Options(60));
  std::set<int> types;
  for (const Event& e : org.events) types.insert(e.type());
  for (int t = v1::EventType_MIN + 1; t <= v1::EventType_MAX; ++t) {
    EXPECT_EQ(types.count(t), 1u) << v1::EventType_Name(t);
  }
}

TEST(DemoTest, EventIdsAreStableAcrossLoads) {
  const DemoOrg org = GenerateDemoOrg(Options(12, 9));
  EXPECT_EQ(org.events.front().event_id().rfind("demo-s9-rep-", 0), 0u);
}

TEST(DemoTest, ValidatesOptions) {
  EXPECT_TRUE(ValidateDemoOptions(Options(60)).ok());
  EXPECT_EQ(ValidateDemoOptions(Options(0)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateDemoOptions(Options(12, 1, 0)).code(),
            absl::StatusCode::kInvalidArgument);
  DemoOptions early = Options(12);
  early.end_time = absl::FromUnixSeconds(946684800);  // 2000-01-01
  EXPECT_EQ(ValidateDemoOptions(early).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::demo
