// `rapport import --format=linkedin-archive`: a member's LinkedIn data
// archive, a ZIP of CSV files (client/cli/linkedin_archive.h,
// linkedin_convert.h). Two kinds of input:
//   - bytes starting with "PK": the ZIP file itself, as downloaded (the
//     fuzzer mutates local headers, the central directory, compressed
//     data);
//   - anything else: the files of an archive, each a name byte (an index
//     into the names LinkedIn uses, some inside a top folder) and its CSV
//     text up to the next NUL byte, zipped here (stored) so that the CSV
//     level is reached.
// The archive is opened, converted (ConvertLinkedInArchive never fails)
// and the profile merged. Checks: Open refuses with INVALID_ARGUMENT or
// NOT_FOUND only; the profile fields set are Profile fields; every event
// has the ids, type and time the upload needs; counts never go negative.
// LinkedInTable::Parse and ParseLinkedInTime are fuzzed on each file too.
#include <unistd.h>
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli/linkedin_archive.h"
#include "client/cli/linkedin_convert.h"
#include "client/cli/linkedin_time.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

constexpr const char* kNames[] = {
    "Profile.csv",
    "Positions.csv",
    "Education.csv",
    "Skills.csv",
    "Certifications.csv",
    "Courses.csv",
    "Volunteering.csv",
    "Recommendations_Given.csv",
    "Recommendations_Received.csv",
    "Connections.csv",
    "Invitations.csv",
    "messages.csv",
    "Shares.csv",
    "Comments.csv",
    "Reactions.csv",
    "Basic_LinkedIn_Data_2024/Connections.csv",
    "Basic_LinkedIn_Data_2024/messages.csv",
    "Ad_Targeting.csv",
    "a/b/Profile.csv",
    "Profile.CSV",
};

using Files = std::vector<std::pair<std::string, std::string>>;

Files SplitFiles(const uint8_t* data, size_t size) {
  Files files;
  size_t i = 0;
  while (i < size && files.size() < 24) {
    const std::string name = kNames[data[i] % std::size(kNames)];
    ++i;
    size_t end = i;
    while (end < size && data[end] != 0) ++end;
    files.emplace_back(
        name, std::string(reinterpret_cast<const char*>(data + i), end - i));
    i = end + 1;
  }
  return files;
}

// A per-process scratch file for the ZIP.
const std::string& ZipPath() {
  static const std::string* const path = new std::string(
      absl::StrCat("/tmp/rapport-fuzz-linkedin-", getpid(), ".zip"));
  return *path;
}

bool WriteZip(const Files& files) {
  int error = 0;
  zip_t* archive =
      zip_open(ZipPath().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) return false;
  for (const auto& [name, content] : files) {
    zip_source_t* source =
        zip_source_buffer(archive, content.data(), content.size(), 0);
    if (source == nullptr) break;
    const zip_int64_t index =
        zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      continue;
    }
    zip_set_file_compression(archive, index, ZIP_CM_STORE, 0);
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    return false;
  }
  return true;
}

void CheckConversion(const cli::LinkedInConversion& c) {
  const google::protobuf::Descriptor* profile = v1::Profile::descriptor();
  for (int field : c.profile_fields) {
    Check(profile->FindFieldByNumber(field) != nullptr,
          "a profile field number that Profile does not have");
  }
  for (const cli::LinkedInEvent& e : c.events) {
    Check(absl::StartsWith(e.event.event_id(), "li:"), "event_id");
    Check(e.event.member_id() == "m-1", "member_id");
    Check(e.event.type() != v1::EVENT_TYPE_UNSPECIFIED, "event type");
    Check(e.event.has_occur_time(), "occur_time");
    Check(!e.file.empty() && e.line > 0, "event source");
  }
  for (const cli::LinkedInFileReport& f : c.files) {
    Check(f.rows >= 0 && f.events >= 0 && f.skipped >= 0 && f.bad >= 0,
          "negative counts");
    Check(f.used || !f.reason.empty(), "an ignored file without a reason");
  }
  const v1::Profile merged = cli::MergeLinkedInProfile(v1::Profile(), c);
  Check(merged.positions_with_description_count() <= merged.positions_count(),
        "more positions with a description than positions");
}

void Convert() {
  auto archive = cli::LinkedInArchive::Open(ZipPath());
  ExpectCodeIn(
      archive.status(),
      {absl::StatusCode::kInvalidArgument, absl::StatusCode::kNotFound},
      "LinkedInArchive::Open");
  if (!archive.ok()) return;
  for (const std::string& name : (*archive)->files()) {
    auto content = (*archive)->Read(name);
    ExpectCodeIn(
        content.status(),
        {absl::StatusCode::kDataLoss, absl::StatusCode::kResourceExhausted,
         absl::StatusCode::kUnavailable},
        "LinkedInArchive::Read");
  }
  CheckConversion(cli::ConvertLinkedInArchive(**archive, "m-1"));
}

void Tables(const Files& files) {
  for (const auto& [name, content] : files) {
    auto table = cli::LinkedInTable::Parse(
        content, {{{"Date", "Sent At"}, true}, {{"URL"}, false}});
    ExpectCodeIn(
        table.status(),
        {absl::StatusCode::kNotFound, absl::StatusCode::kInvalidArgument},
        "LinkedInTable::Parse");
    if (table.ok()) {
      for (const auto& row : table->rows()) {
        Check(row.line > table->header_line(), "a row above its header");
        auto t = cli::ParseLinkedInTime(table->Get(row, 0));
        ExpectCodeIn(t.status(), {absl::StatusCode::kInvalidArgument},
                     "ParseLinkedInTime");
      }
    }
  }
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
    std::ofstream(ZipPath(), std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data),
               static_cast<std::streamsize>(size));
  } else {
    const Files files = SplitFiles(data, size);
    Tables(files);
    if (!WriteZip(files)) return 0;
  }
  Convert();
  std::remove(ZipPath().c_str());
  return 0;
}
