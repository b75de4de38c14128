// Generated LinkedIn data archives for the CLI's tests: CSV text written as
// LinkedIn writes it, a ZIP made with libzip or a folder, and a generator of
// messages.csv with known line numbers. Never real people: names, URLs and
// texts are made up from counters.
#ifndef RAPPORT_TESTS_UNIT_CLI_LINKEDIN_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_CLI_LINKEDIN_TEST_UTIL_H_

#include <zip.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace rapport::cli::testing {

using ArchiveFiles = std::vector<std::pair<std::string, std::string>>;

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
inline std::string CsvField(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string CsvLine(const std::vector<std::string>& fields,
                           const char* eol = "\n") {
  std::vector<std::string> quoted;
  for (const std::string& f : fields) quoted.push_back(CsvField(f));
  return absl::StrCat(absl::StrJoin(quoted, ","), eol);
}

// A fresh path under the test's temporary directory.
inline std::string TempPath(const std::string& name) {
  static std::atomic<int> counter{0};
  return absl::StrCat(::testing::TempDir(), "li_", getpid(), "_", counter++,
                      "_", name);
}

// Writes `files` into a new ZIP at `path` (deflated).
inline void WriteZip(const std::string& path, const ArchiveFiles& files) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr) << "zip_open: " << error;
  for (const auto& [name, content] : files) {
    // The buffers outlive zip_close: `files` is the caller's.
    zip_source_t* source =
        zip_source_buffer(archive, content.data(), content.size(), 0);
    ASSERT_NE(source, nullptr);
    ASSERT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8), 0)
        << zip_strerror(archive);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

// Writes `files` under the folder `path` (created).
inline void WriteFolder(const std::string& path, const ArchiveFiles& files) {
  for (const auto& [name, content] : files) {
    const std::filesystem::path file = std::filesystem::path(path) / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }
}

// "2024-03-05 14:22:10 UTC", as messages.csv writes times.
inline std::string UtcText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

inline std::string ProfileUrl(int i) {
  return absl::StrCat("https://www.linkedin.com/in/person-", i);
}

// The member's own identity in generated archives.
constexpr char kSelfFirst[] = "Ada";
constexpr char kSelfLast[] = "Quill";
constexpr char kSelfUrl[] = "https://www.linkedin.com/in/ada-quill-0";

inline std::string ProfileCsv() {
  return CsvLine({"First Name", "Last Name", "Maiden Name", "Headline",
                  "Summary", "Industry"}) +
         CsvLine({kSelfFirst, kSelfLast, "", "Seller of things",
                  "I sell things,\n\"well\"", "Software"});
}

// A messages.csv of `rows` messages, oldest first, a minute apart up to
// `newest`, in conversations of 4 messages alternating between the member
// and person-<conversation>. Every `bad_every`-th row (1-based; 0 for none)
// has an unreadable date, and every 7th message's content spans 3 lines
// with quotes; the file starts with a BOM and ends lines with CRLF.
// lines[i] is the line row i starts on.
struct GeneratedMessages {
  std::string csv;
  std::vector<int64_t> lines;
  std::vector<int64_t> bad_lines;
  int64_t sent = 0;
  int64_t received = 0;
};

inline GeneratedMessages MessagesCsv(int rows, absl::Time newest,
                                     int bad_every = 0, int first_row = 0) {
  GeneratedMessages out;
  out.csv = "\xEF\xBB\xBF" +
            CsvLine({"CONVERSATION ID", "CONVERSATION TITLE", "FROM",
                     "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
                     "DATE", "SUBJECT", "CONTENT", "FOLDER"},
                    "\r\n");
  int64_t line = 2;
  for (int i = 0; i < rows; ++i) {
    const int n = first_row + i;  // Counts from the oldest message kept.
    const int conversation = n / 4;
    const bool from_self = n % 2 == 0;
    const std::string other = absl::StrCat("Person ", conversation);
    const std::string other_url = ProfileUrl(conversation + 1);
    const std::string content =
        n % 7 == 0 ? absl::StrCat("Hello \"friend\",\nline two of ", n,
                                  "\r\nline three")
                   : absl::StrCat("Message number ", n, ", thanks");
    const bool bad = bad_every > 0 && (i + 1) % bad_every == 0;
    const std::string date =
        bad ? "sometime last week"
            : UtcText(newest - absl::Minutes(rows - 1 - i));
    const std::string self_name = absl::StrCat(kSelfFirst, " ", kSelfLast);
    out.csv += CsvLine(
        {absl::StrCat("2-conv-", conversation, "=="), "",
         from_self ? self_name : other, from_self ? kSelfUrl : other_url,
         from_self ? other : self_name, from_self ? other_url : kSelfUrl, date,
         "", content, "INBOX"},
        "\r\n");
    out.lines.push_back(line);
    if (bad) {
      out.bad_lines.push_back(line);
    } else {
      (from_self ? out.sent : out.received) += 1;
    }
    line += 1 + (n % 7 == 0 ? 2 : 0);
  }
  return out;
}

}  // namespace rapport::cli::testing

#endif  // RAPPORT_TESTS_UNIT_CLI_LINKEDIN_TEST_UTIL_H_
