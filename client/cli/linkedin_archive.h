// A member's own LinkedIn data archive ("Get a copy of your data"): a ZIP of
// CSV files, or the folder it was extracted to. LinkedInArchive lists the
// CSV files it holds (at its root or inside one top folder, as the archive
// is sometimes repacked) and reads one at a time; LinkedInTable finds a
// file's header row and its columns by name.
#ifndef RAPPORT_CLIENT_CLI_LINKEDIN_ARCHIVE_H_
#define RAPPORT_CLIENT_CLI_LINKEDIN_ARCHIVE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct zip;

namespace rapport::cli {

// Not thread-safe. Holds the ZIP open (or knows the folder) until destroyed.
class LinkedInArchive {
 public:
  // The largest file read, uncompressed; a larger one is refused (a ZIP
  // bomb, not an export).
  static constexpr int64_t kMaxFileBytes = int64_t{512} << 20;

  // `path` is a directory or a ZIP file. NOT_FOUND when it does not exist;
  // INVALID_ARGUMENT when it is neither a directory nor a readable ZIP.
  static absl::StatusOr<std::unique_ptr<LinkedInArchive>> Open(
      const std::string& path);
  ~LinkedInArchive();
  LinkedInArchive(const LinkedInArchive&) = delete;
  LinkedInArchive& operator=(const LinkedInArchive&) = delete;

  // Every regular file, as a path relative to the root with '/' separators,
  // in the archive's order (a folder's sorted by name).
  const std::vector<std::string>& files() const { return files_; }

  // The bytes of one of files(). NOT_FOUND for a name not listed;
  // RESOURCE_EXHAUSTED over kMaxFileBytes; DATA_LOSS when the ZIP entry
  // cannot be decompressed; UNAVAILABLE when the file cannot be read.
  absl::StatusOr<std::string> Read(const std::string& name) const;

 private:
  LinkedInArchive() = default;
  std::string root_;    // The folder, when not a ZIP.
  zip* zip_ = nullptr;  // The ZIP, when one.
  std::vector<std::string> files_;
};

// The base name of an archive path, lower-cased ("Folder/Connections.csv"
// -> "connections.csv"), and how many folders deep it is.
std::string LowerBaseName(absl::string_view path);
int FolderDepth(absl::string_view path);

// A column a table needs: the names LinkedIn has given it. Names compare
// case-insensitively, ignoring spaces, '_' and '-' ("Sent At", "SentAt").
struct LinkedInColumn {
  std::vector<std::string> names;
  bool required = false;
};

// The rows of one CSV file of the archive, below its header row.
class LinkedInTable {
 public:
  // How many records from the top are searched for the header: LinkedIn
  // puts a few note lines above some headers.
  static constexpr int kHeaderSearchRecords = 20;

  struct Row {
    int64_t line = 0;  // The line of the file the row starts on.
    std::vector<std::string> fields;
  };

  // Parses `content` (RFC 4180; a BOM, CRLF and quoted line breaks
  // allowed). The header is the first record holding every required column.
  // NOT_FOUND naming the missing required columns when no record does;
  // the CSV error (INVALID_ARGUMENT naming the line) when the syntax fails
  // before a header is found. Rows after a later CSV syntax error are
  // dropped and read_status() says where.
  static absl::StatusOr<LinkedInTable> Parse(
      const std::string& content, std::vector<LinkedInColumn> columns);

  int64_t header_line() const { return header_line_; }
  const std::vector<Row>& rows() const { return rows_; }
  // OK, or the CSV error that ended the reading (naming its line).
  const absl::Status& read_status() const { return read_status_; }

  // Whether the header has column `c` (an index into the columns given).
  bool Has(int c) const { return index_[c] >= 0; }
  // Row's value of column `c`, trimmed of spaces; "" when the header lacks
  // the column or the row is short.
  absl::string_view Get(const Row& row, int c) const;

 private:
  std::vector<int> index_;  // Per column given: its field index or -1.
  int64_t header_line_ = 0;
  std::vector<Row> rows_;
  absl::Status read_status_;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_LINKEDIN_ARCHIVE_H_
