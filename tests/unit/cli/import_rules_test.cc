#include "client/cli/import_rules.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client/cli/import_mapping.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using config::v1::Match;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> Parse(const std::string& value,
                                 const std::string& zone = "UTC") {
  return ParseCellTime(value, DefaultTimeFormats(), Zone(zone));
}

TEST(MatchesCellTest, EachMatchKind) {
  const std::vector<std::string> call = {"Call", "Phone"};
  EXPECT_TRUE(MatchesCell(" call ", config::v1::MATCH_EQUALS, call));
  EXPECT_TRUE(MatchesCell("PHONE", config::v1::MATCH_EQUALS, call));
  EXPECT_FALSE(MatchesCell("Calls", config::v1::MATCH_EQUALS, call));
  EXPECT_TRUE(
      MatchesCell("Email: hello", config::v1::MATCH_PREFIX, {"email:"}));
  EXPECT_FALSE(MatchesCell("Re: Email:", config::v1::MATCH_PREFIX, {"Email:"}));
  EXPECT_TRUE(MatchesCell("Send LinkedIn CONNECT request",
                          config::v1::MATCH_CONTAINS, {"connect"}));
  EXPECT_FALSE(
      MatchesCell("Send message", config::v1::MATCH_CONTAINS, {"connect"}));
  EXPECT_TRUE(MatchesCell("  ", config::v1::MATCH_EMPTY, {}));
  EXPECT_FALSE(MatchesCell("x", config::v1::MATCH_EMPTY, {}));
  EXPECT_TRUE(MatchesCell("x", config::v1::MATCH_NOT_EMPTY, {}));
  EXPECT_FALSE(MatchesCell("", config::v1::MATCH_NOT_EMPTY, {}));
  EXPECT_FALSE(MatchesCell("x", config::v1::MATCH_UNSPECIFIED, {"x"}));
}

// For any value and any change of ASCII case, EQUALS, PREFIX and CONTAINS
// hold against the value itself, and EQUALS fails once a letter is added.
TEST(MatchesCellTest, CaseInsensitiveForGeneratedValues) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(1, 12), ch(0, 61), coin(0, 1);
  const std::string alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < 500; ++i) {
    std::string v;
    for (int n = len(rng); n > 0; --n) v.push_back(alphabet[ch(rng)]);
    std::string cased = v;
    for (char& c : cased) {
      c = coin(rng) ? absl::ascii_toupper(c) : absl::ascii_tolower(c);
    }
    EXPECT_TRUE(MatchesCell(cased, config::v1::MATCH_EQUALS, {v})) << v;
    EXPECT_TRUE(MatchesCell(cased + "tail", config::v1::MATCH_PREFIX, {v}));
    EXPECT_TRUE(
        MatchesCell("head" + cased + "tail", config::v1::MATCH_CONTAINS, {v}));
    EXPECT_FALSE(MatchesCell(cased + "x", config::v1::MATCH_EQUALS, {v}));
  }
}

TEST(ParseCellTimeTest, Iso8601) {
  EXPECT_EQ(*Parse("2024-03-15T14:32:10Z"), Utc(2024, 3, 15, 14, 32, 10));
  EXPECT_EQ(*Parse("2024-03-15T14:32:10.250Z"),
            Utc(2024, 3, 15, 14, 32, 10) + absl::Milliseconds(250));
  EXPECT_EQ(*Parse("2024-03-15T16:32:10+02:00"), Utc(2024, 3, 15, 14, 32, 10));
  EXPECT_EQ(*Parse("2024-03-15T14:32Z"), Utc(2024, 3, 15, 14, 32));
  // Salesforce's Data Loader writes "+0000".
  EXPECT_EQ(*Parse("2024-03-15T14:32:10.000+0000"),
            Utc(2024, 3, 15, 14, 32, 10));
  EXPECT_EQ(*Parse("2024-03-15"), Utc(2024, 3, 15, 0, 0));
}

TEST(ParseCellTimeTest, CrmFormatsInTheTimeZone) {
  // New York is UTC-5 in winter and UTC-4 in summer.
  EXPECT_EQ(*Parse("1/15/2024 2:05 PM", "America/New_York"),
            Utc(2024, 1, 15, 19, 5));
  EXPECT_EQ(*Parse("07/15/2024 09:30 AM", "America/New_York"),
            Utc(2024, 7, 15, 13, 30));
  EXPECT_EQ(*Parse("7/15/2024 12:00 AM"), Utc(2024, 7, 15, 0, 0));
  EXPECT_EQ(*Parse("7/15/2024 12:00 PM"), Utc(2024, 7, 15, 12, 0));
  EXPECT_EQ(*Parse("2024-07-15 23:59:59", "Europe/Berlin"),
            Utc(2024, 7, 15, 21, 59, 59));
  EXPECT_EQ(*Parse("2024-07-15 08:00"), Utc(2024, 7, 15, 8, 0));
  EXPECT_EQ(*Parse("07/15/2024"), Utc(2024, 7, 15, 0, 0));
  // An explicit offset wins over the zone.
  EXPECT_EQ(*Parse("2024-07-15T08:00:00Z", "Asia/Tokyo"),
            Utc(2024, 7, 15, 8, 0));
}

TEST(ParseCellTimeTest, RefusesWhatIsNotADate) {
  for (const std::string bad :
       {"31/02/2024", "2024-02-30", "13/01/2024 10:00 AM", "2024-01-01 25:00",
        "2/30/2024 1:00 PM", "yesterday", "", "2024-03-15T14:32:10Zjunk"}) {
    const absl::StatusOr<absl::Time> t = Parse(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().message(), absl::StrCat("not a date: '", bad, "'"));
  }
}

TEST(ParseCellTimeTest, OnlyTheListedFormats) {
  EXPECT_FALSE(
      ParseCellTime("3/15/2024 2:32 PM", {"ISO8601"}, absl::UTCTimeZone())
          .ok());
  EXPECT_TRUE(
      ParseCellTime("15.03.2024 14:32", {"%d.%m.%Y %H:%M"}, absl::UTCTimeZone())
          .ok());
}

// Any instant, written in each default format in a zone with daylight
// saving time, reads back as itself (to the format's resolution) — except
// the hour repeated when clocks go back, which is ambiguous as written.
TEST(ParseCellTimeTest, RoundTripsGeneratedInstants) {
  const absl::TimeZone zone = Zone("America/Chicago");
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> second(
      absl::ToUnixSeconds(Utc(2001, 1, 1, 0, 0)),
      absl::ToUnixSeconds(Utc(2035, 1, 1, 0, 0)));
  const std::pair<const char*, absl::Duration> formats[] = {
      {"%Y-%m-%dT%H:%M:%S%Ez", absl::Seconds(1)},
      {"%Y-%m-%d %H:%M:%S", absl::Seconds(1)},
      {"%m/%d/%Y %I:%M %p", absl::Minutes(1)},
      {"%m/%d/%Y %I:%M:%S %p", absl::Seconds(1)},
      {"%Y-%m-%d", absl::Hours(24)},
  };
  for (int i = 0; i < 2000; ++i) {
    const absl::Time t = absl::FromUnixSeconds(second(rng));
    const absl::TimeZone::CivilInfo civil = zone.At(t);
    if (zone.At(civil.cs).kind != absl::TimeZone::TimeInfo::UNIQUE) continue;
    for (const auto& [format, resolution] : formats) {
      const std::string text = absl::FormatTime(format, t, zone);
      const absl::StatusOr<absl::Time> back =
          ParseCellTime(text, DefaultTimeFormats(), zone);
      ASSERT_TRUE(back.ok()) << text;
      // The written form drops what is finer than the format.
      absl::CivilSecond expected = civil.cs;
      if (resolution == absl::Minutes(1)) {
        expected = absl::CivilMinute(civil.cs);
      } else if (resolution == absl::Hours(24)) {
        expected = absl::CivilDay(civil.cs);
      }
      if (zone.At(expected).kind != absl::TimeZone::TimeInfo::UNIQUE) continue;
      EXPECT_EQ(*back, absl::FromCivil(expected, zone)) << text;
    }
  }
}

TEST(SeniorityOfTitleTest, BuiltInRulesByWholeWords) {
  const absl::StatusOr<config::v1::ImportMapping> m =
      LoadImportMapping("salesforce-tasks");
  ASSERT_TRUE(m.ok()) << m.status();
  const auto& rules = m->contact().seniority_rules();
  const v1::Seniority ic = m->contact().default_seniority();
  const std::pair<const char*, v1::Seniority> cases[] = {
      {"Chief Revenue Officer", v1::SENIORITY_C_SUITE},
      {"CEO & Co-Founder", v1::SENIORITY_C_SUITE},
      {"Managing Director, EMEA", v1::SENIORITY_C_SUITE},
      {"Vice President of Sales", v1::SENIORITY_VP},
      {"SVP, Operations", v1::SENIORITY_VP},
      {"Head of Procurement", v1::SENIORITY_VP},
      {"Director of IT", v1::SENIORITY_DIRECTOR},
      {"Sales Manager", v1::SENIORITY_MANAGER},
      {"Team Lead", v1::SENIORITY_MANAGER},
      {"Account Executive", v1::SENIORITY_INDIVIDUAL_CONTRIBUTOR},
      // Whole words: "vp" is not found in "mvp", nor "cto" in "doctor".
      {"MVP Engineer", v1::SENIORITY_INDIVIDUAL_CONTRIBUTOR},
      {"Doctor", v1::SENIORITY_INDIVIDUAL_CONTRIBUTOR},
      {"", v1::SENIORITY_UNSPECIFIED},
      {"  --  ", v1::SENIORITY_UNSPECIFIED},
  };
  for (const auto& [title, seniority] : cases) {
    EXPECT_EQ(SeniorityOfTitle(title, rules, ic), seniority) << title;
  }
}

TEST(MemberIdOfOwnerTest, Forms) {
  EXPECT_EQ(
      MemberIdOfOwner(" 005Ax000001 ", config::v1::MEMBER_ID_FORM_UNSPECIFIED),
      "005Ax000001");
  EXPECT_EQ(MemberIdOfOwner("Jane.Doe@Acme.COM",
                            config::v1::MEMBER_ID_FORM_LOWERCASE),
            "jane.doe@acme.com");
  EXPECT_EQ(
      MemberIdOfOwner("Jane  Doe (Sales)", config::v1::MEMBER_ID_FORM_SLUG),
      "jane-doe-sales");
  EXPECT_EQ(MemberIdOfOwner("José Núñez", config::v1::MEMBER_ID_FORM_SLUG),
            "jos-n-ez");
  EXPECT_EQ(MemberIdOfOwner("!!!", config::v1::MEMBER_ID_FORM_SLUG), "");
}

// A slug only holds characters a member_id may hold, never starts or ends
// with "-" and never holds "--", for any owner.
TEST(MemberIdOfOwnerTest, SlugsAreValidIdsForGeneratedOwners) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> len(0, 30), byte(1, 255);
  for (int i = 0; i < 1000; ++i) {
    std::string owner;
    for (int n = len(rng); n > 0; --n)
      owner.push_back(static_cast<char>(byte(rng)));
    const std::string slug =
        MemberIdOfOwner(owner, config::v1::MEMBER_ID_FORM_SLUG);
    for (const char c : slug) {
      EXPECT_TRUE(absl::ascii_islower(c) || absl::ascii_isdigit(c) ||
                  c == '.' || c == '_' || c == '@' || c == '-')
          << slug;
    }
    if (slug.empty()) continue;
    EXPECT_NE(slug.front(), '-');
    EXPECT_NE(slug.back(), '-');
    EXPECT_EQ(slug.find("--"), std::string::npos);
  }
}

}  // namespace
}  // namespace rapport::cli
