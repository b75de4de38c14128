// `rapport import --format=csv --mapping=NAME|FILE FILE`: a CRM's CSV export
// of past activity, mapped row by row into events (import_mapping.h) and
// sent through IngestEvents.
#ifndef RAPPORT_CLIENT_CLI_IMPORT_COMMAND_H_
#define RAPPORT_CLIENT_CLI_IMPORT_COMMAND_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/env.h"
#include "client/cli/uploader.h"

namespace rapport::cli {

struct CsvImportOptions {
  std::string path;     // "-" for standard input.
  std::string mapping;  // A built-in mapping's name or a mapping file.
  // Replaces the mapping's time zone when not empty.
  std::string time_zone;
  // Create the owners that are not members yet, in this team and industry.
  bool create_members = false;
  std::string team;
  std::string industry;
  // Read and map everything, send nothing.
  bool dry_run = false;
  // Write the mapped events to this file as JSON lines (the input of
  // `rapport ingest`) instead of sending them. Nothing is sent.
  std::string write_jsonl;
  UploadOptions upload;
};

// A row the mapping could not turn into an event.
struct RowProblem {
  int64_t line = 0;
  std::string column;  // Empty for the row as a whole.
  std::string reason;
};

// What reading and mapping an export found.
struct MappingTally {
  int64_t rows = 0;
  int64_t events = 0;
  int64_t skipped = 0;
  int64_t rejected = 0;
  std::map<std::string, int64_t> skipped_by_label;
  // The first kMaxProblemsKept rejected rows, in file order (all of them
  // are printed as they are found).
  std::vector<RowProblem> problems;
  static constexpr size_t kMaxProblemsKept = 1000;
  // Owners created and owners found already there (--create_members).
  int64_t members_created = 0;
  int64_t members_existing = 0;
};

// Reads the export twice when it is a file (first to map and count every
// row, then to send), holding the mapped events when it is standard input.
// Each row that cannot be mapped is printed on err as "<source>: line N,
// column C: <reason>" and the rest are sent. A malformed CSV (a quoted field
// never closed) stops before anything is sent: INVALID_ARGUMENT naming the
// line. With create_members, owners GetMember answers NOT_FOUND are created
// through UpsertMember before any event is sent; existing ones are left
// alone. Prints the summary (imported, duplicate, skipped, rejected, the
// server's rejections by line) on out. Returns the RPC's error when a call
// fails; streams acknowledged before it stay committed.
absl::Status RunCsvImport(Env& env, const CsvImportOptions& options);

// The import's summary, in human form or as one JSON object. Pure.
std::string RenderImportSummary(const std::string& source,
                                const MappingTally& tally,
                                const UploadSummary& upload, bool dry_run,
                                bool json);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_IMPORT_COMMAND_H_
