#include "client/cli/linkedin_convert.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/cli/linkedin_ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkedin_test_util.h"

namespace rapport::cli {
namespace {

using ::rapport::cli::testing::ArchiveFiles;
using ::rapport::cli::testing::CsvLine;
using ::rapport::cli::testing::MessagesCsv;
using ::rapport::cli::testing::ProfileUrl;
using ::rapport::cli::testing::TempPath;
using ::rapport::cli::testing::UtcText;
using ::testing::HasSubstr;

// An hour ago, whole seconds: every generated time is before it.
absl::Time Newest() {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())) -
         absl::Hours(1);
}

LinkedInConversion Convert(const ArchiveFiles& files,
                           const std::string& member = "m-1") {
  const std::string path = TempPath("archive.zip");
  testing::WriteZip(path, files);
  absl::StatusOr<std::unique_ptr<LinkedInArchive>> archive =
      LinkedInArchive::Open(path);
  EXPECT_TRUE(archive.ok()) << archive.status();
  return ConvertLinkedInArchive(**archive, member);
}

const LinkedInFileReport* Report(const LinkedInConversion& c,
                                 absl::string_view suffix) {
  for (const LinkedInFileReport& f : c.files) {
    if (absl::EndsWith(f.file, suffix)) return &f;
  }
  return nullptr;
}

std::map<v1::EventType, int> CountTypes(const LinkedInConversion& c) {
  std::map<v1::EventType, int> out;
  for (const LinkedInEvent& e : c.events) ++out[e.event.type()];
  return out;
}

// A profile with random counts; the archive must say exactly them.
TEST(LinkedInConvertTest, ProfileSnapshotCountsWhatTheArchiveHolds) {
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    auto n = [&](int most) {
      return std::uniform_int_distribution<int>(0, most)(rng);
    };
    const int positions = n(6), described = n(positions), education = n(3),
              skills = n(40), certifications = n(4), courses = n(3),
              volunteering = n(3), given = n(3), received = n(4), hidden = n(2),
              connections = n(50);
    std::string p = CsvLine({"Company Name", "Title", "Description", "Location",
                             "Started On", "Finished On"});
    for (int i = 0; i < positions; ++i) {
      p += CsvLine({"Acme", "Seller", i < described ? "Sold, a lot" : "", "",
                    "Mar 2020", ""});
    }
    auto rows = [](const std::vector<std::string>& header, int count) {
      std::string out = CsvLine(header);
      for (int i = 0; i < count; ++i) {
        std::vector<std::string> row(header.size(), "x");
        out += CsvLine(row);
      }
      return out;
    };
    auto recommendations = [](int shown, int not_shown) {
      std::string out =
          CsvLine({"First Name", "Last Name", "Company", "Job Title", "Text",
                   "Creation Date", "Status"});
      for (int i = 0; i < shown + not_shown; ++i) {
        out +=
            CsvLine({"F", absl::StrCat("L", i), "Acme", "VP", "Great",
                     "03/05/24, 02:22 PM", i < shown ? "VISIBLE" : "HIDDEN"});
      }
      return out;
    };
    std::string conns =
        "Notes:\n\"Some e-mails are missing.\"\n\n" +
        CsvLine({"First Name", "Last Name", "URL", "Email Address", "Company",
                 "Position", "Connected On"});
    for (int i = 0; i < connections; ++i) {
      conns +=
          CsvLine({"F", "L", ProfileUrl(i), "", "Acme", "CTO", "05 Mar 2024"});
    }
    const LinkedInConversion c = Convert({
        {"Profile.csv", testing::ProfileCsv()},
        {"Positions.csv", p},
        {"Education.csv", rows({"School Name", "Start Date"}, education)},
        {"Skills.csv", rows({"Name"}, skills)},
        {"Certifications.csv",
         rows({"Name", "Url", "Authority"}, certifications)},
        {"Courses.csv", rows({"Name", "Number"}, courses)},
        {"Volunteering.csv",
         rows({"Company Name", "Role", "Cause"}, volunteering)},
        {"Recommendations_Given.csv", recommendations(given, 0)},
        {"Recommendations_Received.csv", recommendations(received, hidden)},
        {"Connections.csv", conns},
    });
    v1::Profile existing;
    existing.set_has_photo(true);
    existing.set_board_roles_count(2);
    existing.set_has_headline(false);
    const v1::Profile got = MergeLinkedInProfile(existing, c);
    EXPECT_TRUE(got.has_photo());
    EXPECT_EQ(got.board_roles_count(), 2);
    EXPECT_TRUE(got.has_headline());
    EXPECT_TRUE(got.has_summary());
    EXPECT_EQ(got.positions_count(), positions);
    EXPECT_EQ(got.positions_with_description_count(), described);
    EXPECT_EQ(got.education_count(), education);
    EXPECT_EQ(got.skills_count(), skills);
    EXPECT_EQ(got.certifications_count(), certifications + courses);
    EXPECT_EQ(got.volunteer_roles_count(), volunteering);
    EXPECT_EQ(got.recommendations_given_count(), given);
    EXPECT_EQ(got.recommendations_received_count(), received);
    EXPECT_EQ(got.connections_count(), connections);
    const auto types = CountTypes(c);
    EXPECT_EQ(types.count(v1::EVENT_TYPE_RECOMMENDATION_GIVEN)
                  ? types.at(v1::EVENT_TYPE_RECOMMENDATION_GIVEN)
                  : 0,
              given);
    EXPECT_EQ(types.count(v1::EVENT_TYPE_RECOMMENDATION_RECEIVED)
                  ? types.at(v1::EVENT_TYPE_RECOMMENDATION_RECEIVED)
                  : 0,
              received);
    EXPECT_EQ(types.count(v1::EVENT_TYPE_CONNECTION_ACCEPTED)
                  ? types.at(v1::EVENT_TYPE_CONNECTION_ACCEPTED)
                  : 0,
              connections);
    EXPECT_TRUE(c.problems.empty());
  }
}

TEST(LinkedInConvertTest, FieldsOfFilesNotInTheArchiveAreKept) {
  const LinkedInConversion c =
      Convert({{"Skills.csv", CsvLine({"Name"}) + "Selling\nListening\n"}});
  v1::Profile existing;
  existing.set_has_headline(true);
  existing.set_positions_count(1);
  existing.set_positions_with_description_count(1);
  existing.set_skills_count(30);
  const v1::Profile got = MergeLinkedInProfile(existing, c);
  EXPECT_TRUE(got.has_headline());
  EXPECT_EQ(got.positions_count(), 1);
  EXPECT_EQ(got.positions_with_description_count(), 1);
  EXPECT_EQ(got.skills_count(), 2);
}

TEST(LinkedInConvertTest, ReportsUsedAndIgnoredFiles) {
  const LinkedInConversion c = Convert({
      {"Export/SKILLS.csv", CsvLine({"Name"}) + "Selling\n"},
      {"Export/Reactions.csv", CsvLine({"Date", "Type", "Link"}) +
                                   "2024-03-05 10:00:00,LIKE,https://x\n"},
      {"Export/Honors.csv", CsvLine({"Title"}) + "Best\n"},
      {"Export/Invitations.csv", CsvLine({"From", "To", "Message"})},
      {"Export/Jobs/Skills.csv", CsvLine({"Name"}) + "x\n"},
      {"Export/Deep/Er/Shares.csv", CsvLine({"Date", "ShareLink"})},
  });
  const LinkedInFileReport* skills = Report(c, "Export/SKILLS.csv");
  ASSERT_NE(skills, nullptr);
  EXPECT_TRUE(skills->used);
  EXPECT_EQ(skills->feeds, "profile.skills_count");
  const LinkedInFileReport* second = Report(c, "Jobs/Skills.csv");
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->used);
  EXPECT_THAT(second->reason, HasSubstr("sub-folder"));
  const LinkedInFileReport* reactions = Report(c, "Reactions.csv");
  ASSERT_NE(reactions, nullptr);
  EXPECT_FALSE(reactions->used);
  EXPECT_THAT(reactions->reason, HasSubstr("no event"));
  EXPECT_FALSE(Report(c, "Honors.csv")->used);
  const LinkedInFileReport* invitations = Report(c, "Invitations.csv");
  EXPECT_FALSE(invitations->used);
  EXPECT_THAT(invitations->reason, HasSubstr("Direction, Sent At"));
  EXPECT_FALSE(Report(c, "Er/Shares.csv")->used);
}

TEST(LinkedInConvertTest, SharesCommentsAndInvitations) {
  const absl::Time t = Newest();
  const std::string shares =
      CsvLine({"Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl",
               "Visibility"}) +
      CsvLine({UtcText(t), "https://www.linkedin.com/feed/update/urn:1",
               "My own thoughts", "", "", "MEMBER_NETWORK"}) +
      CsvLine({UtcText(t - absl::Hours(1)),
               "https://www.linkedin.com/feed/update/urn:2",
               "Worth reading:", "https://example.com/article", "", ""}) +
      CsvLine({UtcText(t - absl::Hours(2)),
               "https://www.linkedin.com/feed/update/urn:3", "",
               "https://example.com/other", "", ""}) +
      CsvLine({UtcText(t - absl::Hours(3)),
               "https://www.linkedin.com/feed/update/urn:4", "", "",
               "https://media.example/p.jpg", ""});
  const std::string comments =
      CsvLine({"Date", "Link", "Message"}) +
      CsvLine({UtcText(t), "https://www.linkedin.com/feed/update/urn:9",
               "Nice,\n\"really\""});
  const std::string invitations =
      CsvLine({"From", "To", "Sent At", "Message", "Direction",
               "inviterProfileUrl", "inviteeProfileUrl"}) +
      CsvLine({"Ada Quill", "Person 1", "3/5/24, 2:22 PM", "Hi", "OUTGOING",
               testing::kSelfUrl, ProfileUrl(1)}) +
      CsvLine({"Person 2", "Ada Quill", "3/6/24, 9:00 AM", "", "INCOMING",
               ProfileUrl(2), testing::kSelfUrl});
  const LinkedInConversion c = Convert({{"Shares.csv", shares},
                                        {"Comments.csv", comments},
                                        {"Invitations.csv", invitations}});
  const auto types = CountTypes(c);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_POST_PUBLISHED), 2);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_CONTENT_SHARED), 1);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_COMMENT_MADE), 1);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_CONNECTION_REQUEST_SENT), 1);
  EXPECT_EQ(Report(c, "Shares.csv")->skipped, 1);
  EXPECT_EQ(Report(c, "Invitations.csv")->skipped, 1);
  for (const LinkedInEvent& e : c.events) {
    if (e.event.type() != v1::EVENT_TYPE_CONNECTION_REQUEST_SENT) continue;
    EXPECT_EQ(e.event.channel(), v1::CHANNEL_CONNECTION_NOTE);
    EXPECT_EQ(e.event.contact().contact_id(), LinkedInContactId(ProfileUrl(1)));
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(absl::FromUnixSeconds(e.event.occur_time().seconds()),
              absl::FromCivil(absl::CivilMinute(2024, 3, 5, 14, 22),
                              absl::UTCTimeZone()));
  }
}

TEST(LinkedInConvertTest, ContactIdsIgnoreTheUrlsSpelling) {
  const std::string id = LinkedInContactId("https://www.linkedin.com/in/x-y");
  EXPECT_THAT(id, ::testing::MatchesRegex("li-[0-9a-f]{32}"));
  EXPECT_EQ(LinkedInContactId("http://linkedin.com/in/X-Y/?trk=abc"), id);
  EXPECT_EQ(LinkedInContactId(" https://WWW.linkedin.com/in/x-y# "), id);
  EXPECT_NE(LinkedInContactId("https://www.linkedin.com/in/x-z"), id);
  EXPECT_EQ(LinkedInContactId(""), "");
  // What docs/linkedin-archive.md tells an admin to compute with sha256sum.
  EXPECT_EQ(LinkedInContactId("https://www.linkedin.com/in/jane-doe/"),
            "li-4fb894d1636f2427791e5bf0cb16e7ab");
}

TEST(LinkedInConvertTest, MessagesSentAndReceivedByTheMembersName) {
  const testing::GeneratedMessages m = MessagesCsv(40, Newest());
  const LinkedInConversion c = Convert(
      {{"Profile.csv", testing::ProfileCsv()}, {"messages.csv", m.csv}});
  const auto types = CountTypes(c);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_MESSAGE_SENT), m.sent);
  EXPECT_EQ(types.at(v1::EVENT_TYPE_MESSAGE_RECEIVED), m.received);
  ASSERT_EQ(c.events.size(), 40u);
  for (size_t i = 0; i < c.events.size(); ++i) {
    const v1::Event& e = c.events[i].event;
    EXPECT_EQ(c.events[i].line, m.lines[i]);
    EXPECT_EQ(e.channel(), v1::CHANNEL_LINKEDIN_MESSAGE);
    // Message i is in conversation i / 4, with person-(i / 4 + 1).
    EXPECT_EQ(e.contact().contact_id(),
              LinkedInContactId(ProfileUrl(i / 4 + 1)));
    EXPECT_THAT(e.thread_id(), ::testing::MatchesRegex("li-[0-9a-f]{32}"));
    EXPECT_EQ(e.type(), i % 2 == 0 ? v1::EVENT_TYPE_MESSAGE_SENT
                                   : v1::EVENT_TYPE_MESSAGE_RECEIVED);
  }
}

TEST(LinkedInConvertTest, WithoutAProfileTheMemberIsInEveryConversation) {
  const testing::GeneratedMessages m = MessagesCsv(40, Newest());
  const LinkedInConversion with_name = Convert(
      {{"Profile.csv", testing::ProfileCsv()}, {"messages.csv", m.csv}});
  const LinkedInConversion without = Convert({{"messages.csv", m.csv}});
  ASSERT_EQ(with_name.events.size(), without.events.size());
  for (size_t i = 0; i < without.events.size(); ++i) {
    EXPECT_EQ(with_name.events[i].event.SerializeAsString(),
              without.events[i].event.SerializeAsString());
  }
}

TEST(LinkedInConvertTest, WhoIsTheMemberCanBeUnknowable) {
  // One conversation of two people and no Profile.csv: either could be the
  // member, so the file is ignored rather than guessed.
  const LinkedInConversion c =
      Convert({{"messages.csv", MessagesCsv(2, Newest()).csv}});
  EXPECT_TRUE(c.events.empty());
  const LinkedInFileReport* r = Report(c, "messages.csv");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->used);
  EXPECT_THAT(r->reason, HasSubstr("cannot tell the member's own messages"));
}

TEST(LinkedInConvertTest, DraftsSpamAndInMail) {
  const absl::Time t = Newest();
  const std::string self = "Ada Quill";
  const std::string csv =
      CsvLine({"CONVERSATION ID", "FROM", "SENDER PROFILE URL",
               "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER",
               "IS MESSAGE DRAFT"}) +
      CsvLine({"c1", self, testing::kSelfUrl, ProfileUrl(1), UtcText(t), "",
               "hi", "INBOX", "No"}) +
      CsvLine({"c2", self, testing::kSelfUrl, ProfileUrl(2), UtcText(t),
               "A proposal", "hi", "INBOX", "No"}) +
      CsvLine({"c3", "P", ProfileUrl(3), testing::kSelfUrl, UtcText(t), "",
               "buy", "SPAM", "No"}) +
      CsvLine({"c4", self, testing::kSelfUrl, ProfileUrl(4), UtcText(t), "",
               "unsent", "DRAFT", "Yes"}) +
      CsvLine({"c5", "LinkedIn", "", testing::kSelfUrl, UtcText(t), "", "news",
               "INBOX", "No"}) +
      CsvLine({"c6", "P", ProfileUrl(6), testing::kSelfUrl, UtcText(t), "", "x",
               "INMAIL", "No"});
  const LinkedInConversion c =
      Convert({{"Profile.csv", testing::ProfileCsv()}, {"messages.csv", csv}});
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[0].event.channel(), v1::CHANNEL_LINKEDIN_MESSAGE);
  EXPECT_EQ(c.events[1].event.channel(), v1::CHANNEL_INMAIL);
  EXPECT_EQ(c.events[2].event.channel(), v1::CHANNEL_INMAIL);
  EXPECT_EQ(c.events[2].event.type(), v1::EVENT_TYPE_MESSAGE_RECEIVED);
  EXPECT_EQ(Report(c, "messages.csv")->skipped, 3);
}

// 10,000 messages with an unreadable date every 100th row: exactly those
// rows are refused, by line, and the others become events.
TEST(LinkedInConvertTest, BadDatesAreRefusedByLine) {
  const testing::GeneratedMessages m = MessagesCsv(10'000, Newest(), 100);
  const LinkedInConversion c = Convert(
      {{"Profile.csv", testing::ProfileCsv()}, {"messages.csv", m.csv}});
  ASSERT_EQ(m.bad_lines.size(), 100u);
  ASSERT_EQ(c.problems.size(), 100u);
  for (size_t i = 0; i < c.problems.size(); ++i) {
    EXPECT_EQ(c.problems[i].file, "messages.csv");
    EXPECT_EQ(c.problems[i].line, m.bad_lines[i]);
    EXPECT_THAT(c.problems[i].reason, HasSubstr("sometime last week"));
  }
  EXPECT_EQ(c.events.size(), 9'900u);
  const LinkedInFileReport* r = Report(c, "messages.csv");
  EXPECT_EQ(r->rows, 10'000);
  EXPECT_EQ(r->bad, 100);
  EXPECT_EQ(r->events, 9'900);
  std::set<std::string> ids;
  for (const LinkedInEvent& e : c.events) ids.insert(e.event.event_id());
  EXPECT_EQ(ids.size(), c.events.size());
}

// The same rows make the same events; a newer archive adds events only for
// its new rows.
TEST(LinkedInConvertTest, EventIdsAreStableAcrossArchives) {
  const absl::Time newest = Newest() - absl::Minutes(10);
  const testing::GeneratedMessages old_m = MessagesCsv(500, newest, 50);
  const testing::GeneratedMessages new_m =
      MessagesCsv(510, newest + absl::Minutes(10), 50);
  const LinkedInConversion a = Convert({{"messages.csv", old_m.csv}});
  const LinkedInConversion b = Convert({{"messages.csv", old_m.csv}});
  const LinkedInConversion newer = Convert({{"messages.csv", new_m.csv}});
  ASSERT_EQ(a.events.size(), b.events.size());
  std::map<std::string, std::string> old_events;
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].event.SerializeAsString(),
              b.events[i].event.SerializeAsString());
    old_events[a.events[i].event.event_id()] =
        a.events[i].event.SerializeAsString();
  }
  int added = 0;
  for (const LinkedInEvent& e : newer.events) {
    auto it = old_events.find(e.event.event_id());
    if (it == old_events.end()) {
      ++added;
    } else {
      EXPECT_EQ(it->second, e.event.SerializeAsString());
    }
  }
  EXPECT_EQ(added, 10);
  // Another member's archive makes other ids.
  const LinkedInConversion other =
      Convert({{"messages.csv", old_m.csv}}, "m-2");
  for (const LinkedInEvent& e : other.events) {
    EXPECT_EQ(old_events.count(e.event.event_id()), 0u);
  }
}

// No name, profile URL, message text or subject reaches an event.
TEST(LinkedInConvertTest, EventsCarryNoNamesOrTexts) {
  const absl::Time t = Newest();
  const testing::GeneratedMessages m = MessagesCsv(60, t);
  const std::string invitations =
      CsvLine({"From", "To", "Sent At", "Message", "Direction",
               "inviterProfileUrl", "inviteeProfileUrl"}) +
      CsvLine({"Ada Quill", "Person 1", "3/5/24, 2:22 PM", "Message number",
               "OUTGOING", testing::kSelfUrl, ProfileUrl(1)});
  const std::string recommendations =
      CsvLine({"First Name", "Last Name", "Company", "Job Title", "Text",
               "Creation Date", "Status"}) +
      CsvLine({"Person", "Seven", "Acme", "VP", "Message number",
               "03/05/24, 02:22 PM", "VISIBLE"});
  const LinkedInConversion c = Convert({
      {"Profile.csv", testing::ProfileCsv()},
      {"messages.csv", m.csv},
      {"Invitations.csv", invitations},
      {"Recommendations_Received.csv", recommendations},
  });
  ASSERT_EQ(c.events.size(), 62u);
  for (const LinkedInEvent& e : c.events) {
    const std::string bytes = e.event.SerializeAsString();
    for (const char* secret : {"Quill", "Person", "Message number", "Hello",
                               "linkedin.com", "person-", "conv"}) {
      EXPECT_FALSE(absl::StrContains(absl::AsciiStrToLower(bytes),
                                     absl::AsciiStrToLower(secret)))
          << secret << " in " << e.event.ShortDebugString();
    }
  }
}

}  // namespace
}  // namespace rapport::cli
