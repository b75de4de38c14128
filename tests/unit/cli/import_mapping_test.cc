#include "client/cli/import_mapping.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "crm_exports.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using config::v1::ImportMapping;
using Kind = MappedRow::Kind;

ImportMapping Parse(const std::string& text) {
  ImportMapping m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// A small mapping with one rule of each kind.
constexpr char kMapping[] = R"pb(
  name: "test"
  event_id { names: "Key" names: "Id" }
  event_id_prefix: "t-"
  member {
    column { names: "Owner" }
    display_name { names: "Owner Name" }
    lookup {
      owner: "BOSS@acme.com"
      member_id: "m-boss"
      display_name: "The Boss"
    }
    form: MEMBER_ID_FORM_LOWERCASE
  }
  occur_time {
    column { names: "When" }
    time_zone: "Europe/Paris"
  }
  type_rules {
    label: "draft"
    skip: true
    when {
      column { names: "State" }
      match: MATCH_EQUALS
      values: "draft"
    }
  }
  type_rules {
    label: "reply"
    type: EVENT_TYPE_MESSAGE_RECEIVED
    channel: CHANNEL_EMAIL
    when {
      column { names: "Subject" }
      match: MATCH_PREFIX
      values: "Re:"
    }
  }
  type_rules {
    label: "meeting"
    type: EVENT_TYPE_MEETING_BOOKED
    when {
      column { names: "Subject" }
      match: MATCH_CONTAINS
      values: "meet"
    }
  }
  type_rules {
    label: "no subject"
    type: EVENT_TYPE_POST_PUBLISHED
    when {
      column { names: "Subject" }
      match: MATCH_EMPTY
    }
  }
  type_rules {
    label: "e-mail"
    type: EVENT_TYPE_MESSAGE_SENT
    channel: CHANNEL_EMAIL
    when {
      column { names: "Subject" }
      match: MATCH_NOT_EMPTY
    }
    when {
      column { names: "State" }
      match: MATCH_EQUALS
      values: "bounced"
      negate: true
    }
  }
  contact {
    id { names: "Contacts" }
    id_separator: ";"
    id_prefix: "c-"
    title { names: "Title" }
    seniority_rules { keywords: "chief" seniority: SENIORITY_C_SUITE }
    default_seniority: SENIORITY_INDIVIDUAL_CONTRIBUTOR
    region { names: "Country" }
  }
  thread {
    column { names: "Thread" }
    fallback: THREAD_FALLBACK_EVENT_ID
  }
)pb";

const std::vector<std::string> kHeader = {
    "id",      " OWNER ",  "Owner Name", "When",   "State",
    "Subject", "Contacts", "Title",      "Thread", "Country"};

class RowMapperTest : public ::testing::Test {
 protected:
  MappedRow Map(std::vector<std::string> fields) {
    absl::StatusOr<RowMapper> mapper =
        RowMapper::Create(Parse(kMapping), kHeader, "");
    EXPECT_TRUE(mapper.ok()) << mapper.status();
    MappedRow row;
    mapper->Map(fields, &row);
    return row;
  }
};

TEST_F(RowMapperTest, MapsAFullRow) {
  const MappedRow r =
      Map({"17", "Jane@Acme.com", "Jane Doe", "2024-07-15 10:00:00", "sent",
           "Proposal", " ;42; 43", "Chief of Staff", "", "FR"});
  ASSERT_EQ(r.kind, Kind::kEvent) << r.column << ": " << r.reason;
  EXPECT_EQ(r.event.event_id(), "t-17");  // "id" matched "Id" ignoring case.
  EXPECT_EQ(r.event.member_id(), "jane@acme.com");
  EXPECT_EQ(r.owner_name, "Jane Doe");
  // Paris is UTC+2 in July.
  EXPECT_EQ(r.event.occur_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(
                absl::CivilSecond(2024, 7, 15, 8, 0, 0), absl::UTCTimeZone())));
  EXPECT_EQ(r.event.type(), v1::EVENT_TYPE_MESSAGE_SENT);
  EXPECT_EQ(r.event.channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(r.event.contact().contact_id(), "c-42");
  EXPECT_EQ(r.event.contact().seniority(), v1::SENIORITY_C_SUITE);
  EXPECT_EQ(r.event.contact().region(), "FR");
  EXPECT_EQ(r.event.thread_id(), "17");  // Fallback: the record id.
}

TEST_F(RowMapperTest, TheTimeZoneFlagReplacesTheMappings) {
  absl::StatusOr<RowMapper> mapper =
      RowMapper::Create(Parse(kMapping), kHeader, "America/New_York");
  ASSERT_TRUE(mapper.ok()) << mapper.status();
  MappedRow r;
  mapper->Map({"1", "o", "", "2024-01-15 10:00:00", "", "x", "9", "", "", ""},
              &r);
  ASSERT_EQ(r.kind, Kind::kEvent) << r.reason;
  // New York is UTC-5 in January (Paris, the mapping's zone, UTC+1).
  EXPECT_EQ(
      r.event.occur_time().seconds(),
      absl::ToUnixSeconds(absl::FromCivil(
          absl::CivilSecond(2024, 1, 15, 15, 0, 0), absl::UTCTimeZone())));
}

TEST_F(RowMapperTest, EachRuleKind) {
  auto row = [](std::string state, std::string subject) {
    return std::vector<std::string>{"1",     "o", "", "2024-07-15", state,
                                    subject, "9", "", "th",         ""};
  };
  EXPECT_EQ(Map(row("draft", "Re: x")).kind, Kind::kSkipped);
  EXPECT_EQ(Map(row("draft", "Re: x")).skip_label, "draft");
  EXPECT_EQ(Map(row("", "re: hello")).event.type(),
            v1::EVENT_TYPE_MESSAGE_RECEIVED);
  EXPECT_EQ(Map(row("", "Let's MEET")).event.type(),
            v1::EVENT_TYPE_MEETING_BOOKED);
  EXPECT_EQ(Map(row("", "  ")).event.type(), v1::EVENT_TYPE_POST_PUBLISHED);
  EXPECT_EQ(Map(row("", "Proposal")).event.type(), v1::EVENT_TYPE_MESSAGE_SENT);
  // negate: a bounced e-mail matches no rule and is rejected.
  const MappedRow bounced = Map(row("bounced", "Proposal"));
  EXPECT_EQ(bounced.kind, Kind::kRejected);
  EXPECT_EQ(bounced.column, "");
  EXPECT_EQ(bounced.reason, "no type rule of the mapping matches the row");
  EXPECT_EQ(Map(row("", "x")).event.thread_id(), "th");
}

TEST_F(RowMapperTest, UnmatchedRowsSkippedWhenTheMappingSaysSo) {
  ImportMapping m = Parse(kMapping);
  m.set_unmatched_rows(config::v1::UNMATCHED_ROWS_SKIP);
  absl::StatusOr<RowMapper> mapper = RowMapper::Create(m, kHeader, "");
  ASSERT_TRUE(mapper.ok());
  MappedRow r;
  mapper->Map({"1", "o", "", "2024-07-15", "bounced", "P", "9", "", "", ""},
              &r);
  EXPECT_EQ(r.kind, Kind::kSkipped);
  EXPECT_EQ(r.skip_label, "unmatched");
}

TEST_F(RowMapperTest, LookupComesFirstAndLookupOnlyRefusesOthers) {
  const MappedRow boss =
      Map({"1", "boss@ACME.com", "B", "2024-07-15", "", "x", "9", "", "", ""});
  EXPECT_EQ(boss.event.member_id(), "m-boss");
  EXPECT_EQ(boss.owner_name, "The Boss");
  ImportMapping m = Parse(kMapping);
  m.mutable_member()->set_lookup_only(true);
  absl::StatusOr<RowMapper> mapper = RowMapper::Create(m, kHeader, "");
  ASSERT_TRUE(mapper.ok());
  MappedRow r;
  mapper->Map({"1", "eve@x.com", "", "2024-07-15", "", "x", "9", "", "", ""},
              &r);
  EXPECT_EQ(r.kind, Kind::kRejected);
  EXPECT_EQ(r.column, "Owner");
  EXPECT_EQ(r.reason,
            "owner 'eve@x.com' is not in the mapping's member lookup");
}

TEST_F(RowMapperTest, RejectsNamingTheColumn) {
  const std::vector<std::string> good = {"1", "o", "", "2024-07-15", "",
                                         "x", "9", "", "",           ""};
  auto with = [&](int i, std::string v) {
    std::vector<std::string> f = good;
    f[i] = std::move(v);
    return Map(f);
  };
  MappedRow r = with(3, "31/02/2024");
  EXPECT_EQ(r.kind, Kind::kRejected);
  EXPECT_EQ(r.column, "When");
  EXPECT_EQ(r.reason, "not a date: '31/02/2024'");
  r = with(0, " ");
  // "Key" is not in the file: the first column the file has is named.
  EXPECT_EQ(r.column, "Id");
  EXPECT_EQ(r.reason, "empty; the record id is required");
  r = with(1, "");
  EXPECT_EQ(r.column, "Owner");
  EXPECT_EQ(r.reason, "empty; the owner is required");
  r = with(6, " ; ");
  EXPECT_EQ(r.column, "Contacts");
  EXPECT_EQ(r.reason, "empty; e-mail rows need a contact");
  r = Map({"1", "o"});
  EXPECT_EQ(r.kind, Kind::kRejected);
  EXPECT_EQ(r.column, "");
  EXPECT_EQ(r.reason, "2 fields where the header has 10");
}

TEST(RowMapperCreateTest, RefusesAHeaderWithoutRequiredColumns) {
  const absl::StatusOr<RowMapper> m =
      RowMapper::Create(Parse(kMapping), {"Id", "When"}, "");
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("none of the columns Owner"),
            std::string::npos)
      << m.status();
  EXPECT_EQ(RowMapper::Create(Parse(kMapping), kHeader, "Mars/Olympus")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckImportMappingTest, NamesWhatIsMissing) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "event_id"},
      {R"pb(event_id { names: "Id" })pb", "member.column"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } })pb",
       "occur_time.column"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } }
            occur_time { column { names: "T" } })pb",
       "type_rules"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } }
            occur_time { column { names: "T" } }
            type_rules {})pb",
       "type_rules[0]: needs a type"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } }
            occur_time { column { names: "T" } }
            type_rules {
              skip: true
              when { column { names: "S" } }
            })pb",
       "type_rules[0].when[0]: needs a match"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } }
            occur_time { column { names: "T" } }
            type_rules {
              skip: true
              when {
                column { names: "S" }
                match: MATCH_PREFIX
              }
            })pb",
       "needs at least one value"},
      {R"pb(event_id { names: "Id" }
            member { column { names: "O" } }
            occur_time {
              column { names: "T" }
              time_zone: "Nowhere/City"
            }
            type_rules { skip: true })pb",
       "unknown time zone"},
  };
  for (const auto& [text, expected] : cases) {
    const absl::Status s = CheckImportMapping(Parse(text));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(s.message().find(expected), std::string::npos)
        << s << " for " << text;
  }
}

TEST(BuiltinMappingsTest, EveryBuiltInLoadsAndNamesItself) {
  const std::vector<std::string> names = BuiltinMappingNames();
  EXPECT_EQ(names, (std::vector<std::string>{"hubspot-engagements",
                                             "salesforce-tasks"}));
  for (const std::string& name : names) {
    const absl::StatusOr<ImportMapping> m = LoadImportMapping(name);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->name(), name);
    const absl::StatusOr<std::string> text = BuiltinMappingText(name);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("proto-message: rapport.config.v1.ImportMapping"),
              std::string::npos);
  }
  EXPECT_EQ(LoadImportMapping("pipedrive").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BuiltinMappingText("pipedrive").status().code(),
            absl::StatusCode::kNotFound);
}

void ExpectRow(const testing::ExportRow& want, const MappedRow& got,
               const std::string& id_prefix) {
  if (want.skipped) {
    ASSERT_EQ(got.kind, Kind::kSkipped) << got.column << ": " << got.reason;
    EXPECT_EQ(got.skip_label, want.skip_label);
    return;
  }
  ASSERT_EQ(got.kind, Kind::kEvent) << got.column << ": " << got.reason;
  const v1::Event& e = got.event;
  EXPECT_EQ(e.type(), want.type) << want.record_id;
  EXPECT_EQ(e.channel(), want.channel) << want.record_id;
  EXPECT_EQ(e.event_id(), id_prefix + want.record_id);
  EXPECT_EQ(e.member_id(), want.owner);
  EXPECT_EQ(e.occur_time().seconds(), absl::ToUnixSeconds(want.time));
  EXPECT_EQ(e.contact().contact_id(), id_prefix + want.contact);
  const bool message = e.type() == v1::EVENT_TYPE_MESSAGE_SENT ||
                       e.type() == v1::EVENT_TYPE_MESSAGE_RECEIVED;
  EXPECT_EQ(e.thread_id(), message ? id_prefix + want.contact : "");
}

absl::Time Minute(std::mt19937& rng) {
  return absl::FromUnixSeconds((1'600'000'000 + rng() % 100'000'000) / 60 * 60);
}

TEST(BuiltinMappingsTest, SalesforceTasksOverAGeneratedExport) {
  std::mt19937 rng(5);
  const absl::StatusOr<ImportMapping> m = LoadImportMapping("salesforce-tasks");
  ASSERT_TRUE(m.ok());
  absl::StatusOr<RowMapper> mapper =
      RowMapper::Create(*m, testing::SalesforceTaskHeader(), "");
  ASSERT_TRUE(mapper.ok()) << mapper.status();
  const std::vector<std::string> owners = {"005A0000001", "005A0000002"};
  MappedRow got;
  for (int i = 0; i < 1200; ++i) {
    const testing::ExportRow want =
        testing::SalesforceTaskRow(rng, i, Minute(rng), owners);
    mapper->Map(want.fields, &got);
    ExpectRow(want, got, "sf-");
  }
}

// A Salesforce Event export (meetings): booked when created.
TEST(BuiltinMappingsTest, SalesforceEventsAreMeetingsBooked) {
  const absl::StatusOr<ImportMapping> m = LoadImportMapping("salesforce-tasks");
  ASSERT_TRUE(m.ok());
  absl::StatusOr<RowMapper> mapper =
      RowMapper::Create(*m,
                        {"Id", "WhoId", "OwnerId", "Subject", "StartDateTime",
                         "EndDateTime", "EventSubtype", "CreatedDate"},
                        "");
  ASSERT_TRUE(mapper.ok()) << mapper.status();
  MappedRow got;
  mapper->Map({"00U1", "0035", "0051", "Demo", "2031-01-01T10:00:00.000Z",
               "2031-01-01T11:00:00.000Z", "Event", "2024-05-02T09:15:00.000Z"},
              &got);
  ASSERT_EQ(got.kind, Kind::kEvent) << got.reason;
  EXPECT_EQ(got.event.type(), v1::EVENT_TYPE_MEETING_BOOKED);
  EXPECT_EQ(got.event.occur_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(
                absl::CivilSecond(2024, 5, 2, 9, 15, 0), absl::UTCTimeZone())));
  EXPECT_EQ(got.event.thread_id(), "");
}

TEST(BuiltinMappingsTest, HubSpotEngagementsOverAGeneratedExport) {
  std::mt19937 rng(9);
  const absl::StatusOr<ImportMapping> m =
      LoadImportMapping("hubspot-engagements");
  ASSERT_TRUE(m.ok());
  absl::StatusOr<RowMapper> mapper =
      RowMapper::Create(*m, testing::HubSpotHeader(), "");
  ASSERT_TRUE(mapper.ok()) << mapper.status();
  const std::vector<std::string> names = {"Jane Doe", "Ravi  Patel"};
  const std::vector<std::string> ids = {"jane-doe", "ravi-patel"};
  MappedRow got;
  for (int i = 0; i < 900; ++i) {
    const testing::ExportRow want =
        testing::HubSpotRow(rng, i, Minute(rng), names, ids);
    mapper->Map(want.fields, &got);
    ExpectRow(want, got, "hs-");
    if (got.kind == Kind::kEvent) {
      EXPECT_EQ(
          got.event.contact().seniority(),
          i % 2 ? v1::SENIORITY_VP : v1::SENIORITY_INDIVIDUAL_CONTRIBUTOR);
      EXPECT_EQ(got.owner_name, names[got.event.member_id() == ids[0] ? 0 : 1]);
    }
  }
}

TEST(BuiltinMappingsTest, HubSpotEmailWithoutDirectionIsReported) {
  const absl::StatusOr<ImportMapping> m =
      LoadImportMapping("hubspot-engagements");
  ASSERT_TRUE(m.ok());
  absl::StatusOr<RowMapper> mapper = RowMapper::Create(
      *m,
      {"Record ID", "Activity date", "Activity type", "Activity assigned to"},
      "");
  ASSERT_TRUE(mapper.ok()) << mapper.status();
  MappedRow got;
  mapper->Map({"1", "2024-05-02 09:15", "EMAIL", "Jane"}, &got);
  EXPECT_EQ(got.kind, Kind::kRejected);
}

}  // namespace
}  // namespace rapport::cli
