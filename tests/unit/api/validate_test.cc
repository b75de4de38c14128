#include "server/api/validate.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/api/convert.h"

namespace rapport::api {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1764000000);  // 2025-11-24.

v1::Member ValidMember() {
  v1::Member m;
  m.set_member_id("rep-1");
  m.set_display_name("Ada Lovelace");
  m.set_team("emea-enterprise");
  m.set_industry("software");
  m.mutable_profile()->set_positions_count(3);
  m.mutable_profile()->set_positions_with_description_count(2);
  return m;
}

v1::Event ValidMessage() {
  v1::Event e;
  e.set_event_id("evt-1");
  e.set_member_id("rep-1");
  ToProtoTime(kNow - absl::Hours(1), e.mutable_occur_time());
  e.set_type(v1::EVENT_TYPE_MESSAGE_SENT);
  e.set_channel(v1::CHANNEL_EMAIL);
  e.mutable_contact()->set_contact_id("c-1");
  e.mutable_contact()->set_seniority(v1::SENIORITY_VP);
  e.set_thread_id("t-1");
  return e;
}

std::string FieldOf(const v1::Event& e) {
  auto error = ValidateEvent(e, kNow, ValidationLimits());
  return error ? error->field : "";
}

TEST(ValidateMemberTest, AcceptsAValidMember) {
  EXPECT_TRUE(ValidateMember(ValidMember()).ok());
}

TEST(ValidateMemberTest, LimitsCountCharactersNotBytes) {
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xC3\xA9";  // é: 2 bytes.
  v1::Member m = ValidMember();
  m.set_display_name(accented);  // 400 bytes, 200 characters.
  EXPECT_TRUE(ValidateMember(m).ok());
  for (int i = 0; i < 100; ++i) accented += "\xC3\xA9";
  m.set_display_name(accented);
  EXPECT_EQ(ValidateMember(m).message(),
            "member.display_name: is 300 characters long; the maximum is 256");
  // Astral characters (4 bytes each) count one each as well.
  std::string emoji;
  for (int i = 0; i < 128; ++i) emoji += "\xF0\x9F\x98\x80";
  m = ValidMember();
  m.set_team(emoji);
  EXPECT_TRUE(ValidateMember(m).ok());
  m.set_team(emoji + "x");
  EXPECT_EQ(ValidateMember(m).message(),
            "member.team: is 129 characters long; the maximum is 128");
}

TEST(ValidateMemberTest, RefusedCharactersAreNamedWithTheirPosition) {
  v1::Member m = ValidMember();
  m.set_team(
      "abc\xE2\x80\xAE"
      "def");
  EXPECT_EQ(ValidateMember(m).message(),
            "member.team: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at "
            "character 4; control, bidirectional-override and invisible "
            "characters are not allowed");
  m = ValidMember();
  m.set_manager(std::string("boss\0", 5));
  EXPECT_THAT(std::string(ValidateMember(m).message()),
              HasSubstr("member.manager: contains U+0000 (NULL) at "
                        "character 5"));
  m = ValidMember();
  m.set_display_name(
      "Ren\xC3\xA9"
      "e\xC2\xAD");  // A soft hyphen after "Renée".
  EXPECT_THAT(std::string(ValidateMember(m).message()),
              HasSubstr("U+00AD (SOFT HYPHEN) at character 6"));
}

TEST(ValidateEventTest, ContactTextRefusesInvisibleCharacters) {
  v1::Event e = ValidMessage();
  e.mutable_contact()->set_region("F\xE2\x80\x8BR");
  auto error = ValidateEvent(e, kNow, ValidationLimits());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "contact.region");
  EXPECT_THAT(error->reason,
              HasSubstr("contains U+200B (ZERO WIDTH SPACE) at character 2"));
}

struct MemberCase {
  const char* name;
  void (*mutate)(v1::Member*);
  const char* field;
};

class ValidateMemberFieldTest : public ::testing::TestWithParam<MemberCase> {};

TEST_P(ValidateMemberFieldTest, NamesTheField) {
  v1::Member m = ValidMember();
  GetParam().mutate(&m);
  absl::Status s = ValidateMember(m);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::StartsWith(std::string(GetParam().field) + ":"));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidateMemberFieldTest,
    ::testing::Values(
        MemberCase{"MissingId", [](v1::Member* m) { m->clear_member_id(); },
                   "member.member_id"},
        MemberCase{
            "LongId",
            [](v1::Member* m) { m->set_member_id(std::string(129, 'a')); },
            "member.member_id"},
        MemberCase{"IdWithSpace",
                   [](v1::Member* m) { m->set_member_id("rep 1"); },
                   "member.member_id"},
        MemberCase{"MissingName",
                   [](v1::Member* m) { m->clear_display_name(); },
                   "member.display_name"},
        MemberCase{
            "LongName",
            [](v1::Member* m) { m->set_display_name(std::string(257, 'x')); },
            "member.display_name"},
        MemberCase{"MissingTeam", [](v1::Member* m) { m->clear_team(); },
                   "member.team"},
        MemberCase{"MissingIndustry",
                   [](v1::Member* m) { m->clear_industry(); },
                   "member.industry"},
        MemberCase{"LongManager",
                   [](v1::Member* m) { m->set_manager(std::string(300, 'm')); },
                   "member.manager"},
        MemberCase{"NegativeCount",
                   [](v1::Member* m) {
                     m->mutable_profile()->set_certifications_count(-1);
                   },
                   "member.profile.certifications_count"},
        MemberCase{"HugeCount",
                   [](v1::Member* m) {
                     m->mutable_profile()->set_skills_count(10001);
                   },
                   "member.profile.skills_count"},
        MemberCase{"DescribedAboveTotal",
                   [](v1::Member* m) {
                     m->mutable_profile()->set_positions_with_description_count(
                         4);
                   },
                   "member.profile.positions_with_description_count"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ValidateEventTest, AcceptsAValidMessage) {
  EXPECT_EQ(FieldOf(ValidMessage()), "");
}

TEST(ValidateEventTest, IdsAreRequiredAndBounded) {
  v1::Event e = ValidMessage();
  e.clear_event_id();
  EXPECT_EQ(FieldOf(e), "event_id");
  e = ValidMessage();
  e.set_event_id(std::string(129, 'e'));
  EXPECT_EQ(FieldOf(e), "event_id");
  e = ValidMessage();
  e.set_event_id(std::string(128, 'e'));
  EXPECT_EQ(FieldOf(e), "");
  e = ValidMessage();
  e.set_member_id("rep/1");
  EXPECT_EQ(FieldOf(e), "member_id");
}

TEST(ValidateEventTest, TypeMustBeKnown) {
  v1::Event e = ValidMessage();
  e.set_type(v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(e), "type");
  e.set_type(static_cast<v1::EventType>(999));
  EXPECT_EQ(FieldOf(e), "type");
}

TEST(ValidateEventTest, TimeIsRequiredPastAndNotAbsurdlyOld) {
  v1::Event e = ValidMessage();
  e.clear_occur_time();
  EXPECT_EQ(FieldOf(e), "occur_time");
  ToProtoTime(kNow + absl::Hours(1), e.mutable_occur_time());
  EXPECT_EQ(FieldOf(e), "occur_time");
  ToProtoTime(kNow + absl::Minutes(4), e.mutable_occur_time());
  EXPECT_EQ(FieldOf(e), "") << "within the clock skew";
  ToProtoTime(absl::FromUnixSeconds(0), e.mutable_occur_time());
  EXPECT_EQ(FieldOf(e), "occur_time");
  e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(kNow) - 10);
  e.mutable_occur_time()->set_nanos(-5);
  EXPECT_EQ(FieldOf(e), "occur_time");
}

TEST(ValidateEventTest, MessagesNeedChannelAndThread) {
  v1::Event e = ValidMessage();
  e.set_channel(v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(FieldOf(e), "channel");
  e = ValidMessage();
  e.set_channel(static_cast<v1::Channel>(42));
  EXPECT_EQ(FieldOf(e), "channel");
  e = ValidMessage();
  e.clear_thread_id();
  auto error = ValidateEvent(e, kNow, ValidationLimits());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "thread_id");
  EXPECT_THAT(error->reason, HasSubstr("EVENT_TYPE_MESSAGE_SENT"));
}

TEST(ValidateEventTest, EveryContactTypeNeedsAContact) {
  for (int t = 1; t <= v1::EventType_MAX; ++t) {
    const auto type = static_cast<v1::EventType>(t);
    v1::Event e = ValidMessage();
    e.set_type(type);
    e.clear_contact();
    const bool needs = model::IsContactEvent(static_cast<model::EventType>(t));
    EXPECT_EQ(FieldOf(e) == "contact.contact_id", needs)
        << v1::EventType_Name(type);
  }
}

TEST(ValidateEventTest, ContactFieldsAreChecked) {
  v1::Event e = ValidMessage();
  e.mutable_contact()->set_seniority(static_cast<v1::Seniority>(77));
  EXPECT_EQ(FieldOf(e), "contact.seniority");
  e = ValidMessage();
  e.mutable_contact()->set_category(static_cast<v1::NetworkCategory>(8));
  EXPECT_EQ(FieldOf(e), "contact.category");
  e = ValidMessage();
  e.mutable_contact()->set_region(std::string(65, 'r'));
  EXPECT_EQ(FieldOf(e), "contact.region");
  e = ValidMessage();
  e.mutable_contact()->set_industry(std::string(129, 'i'));
  EXPECT_EQ(FieldOf(e), "contact.industry");
  e = ValidMessage();
  e.mutable_contact()->set_contact_id("has space");
  EXPECT_EQ(FieldOf(e), "contact.contact_id");
}

TEST(ValidateEventTest, QuantityOnlyForCountedEvents) {
  v1::Event e = ValidMessage();
  e.set_quantity(2);
  EXPECT_EQ(FieldOf(e), "quantity");
  e.set_quantity(-1);
  EXPECT_EQ(FieldOf(e), "quantity");
  v1::Event r;
  r.set_event_id("r-1");
  r.set_member_id("rep-1");
  ToProtoTime(kNow - absl::Hours(2), r.mutable_occur_time());
  r.set_type(v1::EVENT_TYPE_REACTION_RECEIVED);
  r.set_quantity(250);
  EXPECT_EQ(FieldOf(r), "");
  r.set_quantity(10001);
  EXPECT_EQ(FieldOf(r), "quantity");
  r.set_quantity(1);
  r.set_content_id(std::string(129, 'c'));
  EXPECT_EQ(FieldOf(r), "content_id");
}

// Property: over many generated valid events, each single corruption of a
// field is reported against exactly that field.
TEST(ValidateEventPropertyTest, EachCorruptionNamesItsField) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    v1::Event e = ValidMessage();
    e.set_event_id("e" + std::to_string(rng()));
    e.set_type(rng() % 2 ? v1::EVENT_TYPE_MESSAGE_RECEIVED
                         : v1::EVENT_TYPE_FOLLOW_UP_SENT);
    e.set_channel(static_cast<v1::Channel>(1 + rng() % v1::Channel_MAX));
    e.mutable_contact()->set_seniority(
        static_cast<v1::Seniority>(rng() % (v1::Seniority_MAX + 1)));
    ToProtoTime(kNow - absl::Seconds(rng() % 86400000), e.mutable_occur_time());
    ASSERT_EQ(FieldOf(e), "") << e.ShortDebugString();
    v1::Event bad = e;
    switch (rng() % 5) {
      case 0:
        bad.clear_member_id();
        EXPECT_EQ(FieldOf(bad), "member_id");
        break;
      case 1:
        bad.clear_thread_id();
        EXPECT_EQ(FieldOf(bad), "thread_id");
        break;
      case 2:
        bad.mutable_contact()->clear_contact_id();
        EXPECT_EQ(FieldOf(bad), "contact.contact_id");
        break;
      case 3:
        ToProtoTime(kNow + absl::Hours(1 + rng() % 1000),
                    bad.mutable_occur_time());
        EXPECT_EQ(FieldOf(bad), "occur_time");
        break;
      default:
        bad.set_quantity(2 + rng() % 100);
        EXPECT_EQ(FieldOf(bad), "quantity");
    }
  }
}

}  // namespace
}  // namespace rapport::api
