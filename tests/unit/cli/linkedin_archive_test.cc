#include "client/cli/linkedin_archive.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/linkedin_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkedin_test_util.h"

namespace rapport::cli {
namespace {

using ::rapport::cli::testing::ArchiveFiles;
using ::rapport::cli::testing::CsvLine;
using ::rapport::cli::testing::TempPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<LinkedInColumn> ConnectionColumns() {
  return {{{"URL"}, true}, {{"Connected On"}, true}, {{"Company"}, false}};
}

TEST(LinkedInTableTest, FindsTheHeaderBelowNoteLines) {
  const std::string csv =
      "Notes:\n"
      "\"When exporting your connection data, you may notice that some of "
      "the e-mail addresses are missing.\nSee the help page.\"\n"
      "\n"
      "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
      "A,B,https://www.linkedin.com/in/a-b,,Acme,CEO,05 Mar 2024\n"
      "C,D,https://www.linkedin.com/in/c-d,,,Engineer,06 Mar 2024\n";
  absl::StatusOr<LinkedInTable> t =
      LinkedInTable::Parse(csv, ConnectionColumns());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header_line(), 5);
  ASSERT_EQ(t->rows().size(), 2u);
  EXPECT_EQ(t->rows()[0].line, 6);
  EXPECT_EQ(t->rows()[1].line, 7);
  EXPECT_EQ(t->Get(t->rows()[0], 0), "https://www.linkedin.com/in/a-b");
  EXPECT_EQ(t->Get(t->rows()[1], 1), "06 Mar 2024");
  EXPECT_EQ(t->Get(t->rows()[1], 2), "");
}

TEST(LinkedInTableTest, FindsColumnsByNameWhateverTheirOrderOrSpelling) {
  const std::string csv = CsvLine({"connected_on", "Extra", "Profile URL",
                                   "url", " COMPANY ", "Another new one"}) +
                          CsvLine({"01 Jan 2025", "x", "", "u1", "Acme", "y"});
  // "Profile URL" is not one of the names given for URL; "url" is.
  absl::StatusOr<LinkedInTable> t =
      LinkedInTable::Parse(csv, ConnectionColumns());
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 1u);
  EXPECT_EQ(t->Get(t->rows()[0], 0), "u1");
  EXPECT_EQ(t->Get(t->rows()[0], 1), "01 Jan 2025");
  EXPECT_EQ(t->Get(t->rows()[0], 2), "Acme");
}

TEST(LinkedInTableTest, AMissingRequiredColumnIsNamed) {
  const std::string csv =
      CsvLine({"First Name", "URL", "Company"}) + CsvLine({"A", "u", "Acme"});
  absl::StatusOr<LinkedInTable> t =
      LinkedInTable::Parse(csv, ConnectionColumns());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr("Connected On"));
  EXPECT_EQ(LinkedInTable::Parse("", ConnectionColumns()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(LinkedInTableTest, HostileContentKeepsFieldsAndLines) {
  // A BOM, CRLF line ends, quotes, commas and line breaks inside a field,
  // a short row and a blank line.
  const std::string csv =
      "\xEF\xBB\xBF"
      "URL,Connected On,Company\r\n"
      "u1,\"05 Mar 2024\",\"Acme, \"\"the\"\" best\r\nsecond line\"\r\n"
      "\r\n"
      "u2,06 Mar 2024\r\n"
      "u3,07 Mar 2024,\"\xE2\x80\xAE\"\r\n";
  absl::StatusOr<LinkedInTable> t =
      LinkedInTable::Parse(csv, ConnectionColumns());
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 3u);
  EXPECT_EQ(t->Get(t->rows()[0], 2), "Acme, \"the\" best\r\nsecond line");
  EXPECT_EQ(t->rows()[0].line, 2);
  EXPECT_EQ(t->rows()[1].line, 5);
  EXPECT_EQ(t->Get(t->rows()[1], 2), "");
  EXPECT_EQ(t->rows()[2].line, 6);
  EXPECT_TRUE(t->read_status().ok());
}

TEST(LinkedInTableTest, AnUnclosedQuoteKeepsTheRowsBeforeIt) {
  const std::string csv = "URL,Connected On\nu1,05 Mar 2024\nu2,\"06 Mar\n";
  absl::StatusOr<LinkedInTable> t =
      LinkedInTable::Parse(csv, ConnectionColumns());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->rows().size(), 1u);
  EXPECT_EQ(t->read_status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t->read_status().message(), HasSubstr("line 3"));
}

TEST(LinkedInTimeTest, ReadsTheFormatsOfTheArchive) {
  const absl::Time t = absl::FromCivil(
      absl::CivilSecond(2024, 3, 5, 14, 22, 10), absl::UTCTimeZone());
  const absl::Time minute = t - absl::Seconds(10);
  const absl::Time day =
      absl::FromCivil(absl::CivilDay(2024, 3, 5), absl::UTCTimeZone());
  const std::pair<const char*, absl::Time> cases[] = {
      {"2024-03-05 14:22:10 UTC", t},
      {"2024-03-05 14:22:10", t},
      {" 2024-03-05T14:22:10Z ", t},
      {"2024-03-05T15:22:10+01:00", t},
      {"2024-03-05 14:22", minute},
      {"2024-03-05", day},
      {"05 Mar 2024", day},
      {"5 Mar 2024", day},
      {"Mar 05, 2024", day},
      {"3/5/24, 2:22 PM", minute},
      {"03/05/2024, 02:22 PM", minute},
      {"3/5/24 2:22 PM", minute},
      {"3/5/24, 14:22", minute},
      {"3/5/24", day},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<absl::Time> got = ParseLinkedInTime(text);
    ASSERT_TRUE(got.ok()) << text << ": " << got.status();
    EXPECT_EQ(*got, want) << text;
  }
  EXPECT_EQ(*ParseLinkedInTime("1/2/99, 12:05 AM"),
            absl::FromCivil(absl::CivilMinute(1999, 1, 2, 0, 5),
                            absl::UTCTimeZone()));
}

TEST(LinkedInTimeTest, RefusesWhatIsNotADate) {
  for (const char* text :
       {"", "  ", "yesterday", "2024-13-05 10:00:00", "31 Feb 2024", "3/5",
        "2024-03-05 25:00:00 UTC", "05 Mar 2024 and more", "infinite-future",
        "infinite-past"}) {
    absl::StatusOr<absl::Time> got = ParseLinkedInTime(text);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

// Every instant written in each of the archive's formats reads back as
// itself, to the format's precision.
TEST(LinkedInTimeTest, FormatsRoundTrip) {
  std::mt19937_64 rng(7);
  const int64_t from = absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone()));
  std::uniform_int_distribution<int64_t> pick(from, from + 30LL * 365 * 86400);
  const std::pair<const char*, absl::Duration> formats[] = {
      {"%Y-%m-%d %H:%M:%S UTC", absl::Seconds(1)},
      {"%d %b %Y", absl::Hours(24)},
      {"%m/%d/%y, %I:%M %p", absl::Minutes(1)},
  };
  for (int i = 0; i < 2000; ++i) {
    const absl::Time t = absl::FromUnixSeconds(pick(rng));
    for (const auto& [format, unit] : formats) {
      const std::string text = absl::FormatTime(format, t, absl::UTCTimeZone());
      absl::StatusOr<absl::Time> got = ParseLinkedInTime(text);
      ASSERT_TRUE(got.ok()) << text;
      EXPECT_EQ(*got,
                absl::UnixEpoch() + absl::Floor(t - absl::UnixEpoch(), unit))
          << text;
    }
  }
}

ArchiveFiles SomeFiles(const std::string& folder) {
  return {{folder + "Connections.CSV", "URL,Connected On\nu,05 Mar 2024\n"},
          {folder + "messages.csv", "CONVERSATION ID,FROM,DATE\n"},
          {folder + "Articles/Articles/post.html", "<p>hi</p>"}};
}

TEST(LinkedInArchiveTest, ReadsAZipAndAFolderAlike) {
  const std::string zip_path = TempPath("archive.zip");
  const ArchiveFiles files = SomeFiles("Basic_LinkedInDataExport_11-30-2026/");
  testing::WriteZip(zip_path, files);
  const std::string dir = TempPath("archive_dir");
  testing::WriteFolder(dir, files);
  for (const std::string& path : {zip_path, dir}) {
    absl::StatusOr<std::unique_ptr<LinkedInArchive>> archive =
        LinkedInArchive::Open(path);
    ASSERT_TRUE(archive.ok()) << archive.status();
    std::vector<std::string> names = (*archive)->files();
    std::sort(names.begin(), names.end());
    EXPECT_THAT(
        names,
        ElementsAre("Basic_LinkedInDataExport_11-30-2026/Articles/"
                    "Articles/post.html",
                    "Basic_LinkedInDataExport_11-30-2026/Connections.CSV",
                    "Basic_LinkedInDataExport_11-30-2026/messages.csv"));
    absl::StatusOr<std::string> content =
        (*archive)->Read("Basic_LinkedInDataExport_11-30-2026/Connections.CSV");
    ASSERT_TRUE(content.ok()) << content.status();
    EXPECT_EQ(*content, files[0].second);
    EXPECT_EQ((*archive)->Read("nothing.csv").status().code(),
              absl::StatusCode::kNotFound);
  }
}

TEST(LinkedInArchiveTest, RefusesWhatIsNeitherAZipNorAFolder) {
  EXPECT_EQ(LinkedInArchive::Open(TempPath("missing.zip")).status().code(),
            absl::StatusCode::kNotFound);
  const std::string path = TempPath("not_a.zip");
  std::ofstream(path) << "First Name,Last Name\n";
  EXPECT_EQ(LinkedInArchive::Open(path).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LinkedInArchiveTest, NamesAndDepth) {
  EXPECT_EQ(LowerBaseName("Folder/Connections.CSV"), "connections.csv");
  EXPECT_EQ(LowerBaseName("Profile.csv"), "profile.csv");
  EXPECT_EQ(FolderDepth("Profile.csv"), 0);
  EXPECT_EQ(FolderDepth("a/Profile.csv"), 1);
  EXPECT_EQ(FolderDepth("a/b/Profile.csv"), 2);
}

}  // namespace
}  // namespace rapport::cli
