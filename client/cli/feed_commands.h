// Commands for CRM write-back: `changes` (the score changes feed) and
// `export scores` (every member's current score as CSV). Each returns the
// RPC's status (or a file's), having printed its result on env.io.out.
#ifndef RAPPORT_CLIENT_CLI_FEED_COMMANDS_H_
#define RAPPORT_CLIENT_CLI_FEED_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/env.h"
#include "rapport/v1/scoring.pb.h"

namespace rapport::cli {

struct ChangesOptions {
  std::string cursor;  // Where to resume; empty: from the beginning.
  // Reads the cursor from this file (missing or empty: from the beginning)
  // and writes the new one back once the sweep is complete. Excludes
  // `cursor`.
  std::string cursor_file;
  std::string team;
  int page_size = 0;  // 0: the server's default.
};

// Follows ListScoreChanges until the sweep is complete (has_more false),
// printing each change (one JSON object per line with --json), then the
// cursor to keep. The cursor file is written (replaced atomically) only
// after a complete sweep, so an interrupted run resumes where the last
// complete one ended.
absl::Status RunChanges(Env& env, const ChangesOptions& options);

struct ExportOptions {
  std::string format = "csv";  // The only format.
  std::string team;            // Empty: every member.
  std::string output;          // Empty or "-": stdout.
};

// The CSV header of `export scores`.
const std::vector<std::string>& ExportColumns();

// One CSV record (RFC 4180: every field quoted, quotes doubled, CRLF at
// the end) of `fields`.
std::string CsvRecord(const std::vector<std::string>& fields);

// `export scores`: every member's current score (ListMembers pages, each
// scored with one BatchGetScores call) as CSV with ExportColumns().
absl::Status RunExportScores(Env& env, const ExportOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_FEED_COMMANDS_H_
