// `rapport ingest FILE`: loads a JSON-lines file of events (one
// rapport.v1.Event per line, "-" for standard input) through IngestEvents.
#ifndef RAPPORT_CLIENT_CLI_INGEST_COMMAND_H_
#define RAPPORT_CLIENT_CLI_INGEST_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"
#include "client/cli/uploader.h"

namespace rapport::cli {

struct IngestOptions {
  std::string path;  // "-" for standard input.
  UploadOptions upload;
};

// Parses the whole input first; any invalid line is reported by number on
// err and nothing is sent (INVALID_ARGUMENT). A file is then read a second
// time while sending; standard input is held in memory. Prints a summary
// (accepted, duplicate, rejected with their line numbers, rate). Returns the
// RPC's error when a stream fails; streams acknowledged before it stay
// committed and the summary so far is printed on err.
absl::Status RunIngest(Env& env, const IngestOptions& options);

// The summary of an upload, in human form (listing the first 20 rejections)
// or as one JSON object (listing all the server listed). tag_name names what
// a rejection's tag is ("line", "event"). Pure.
std::string RenderUploadSummary(const std::string& source,
                                const UploadSummary& summary,
                                absl::Duration elapsed,
                                const std::string& tag_name, bool json);

// The server's rejections as a table (at most the first 20, with a pointer
// to --json for the rest) under `heading`; tag_name names a rejection's tag
// ("line", "event"). Empty when there are none. Pure.
std::string RenderRejections(const std::vector<Rejection>& rejections,
                             const std::string& tag_name,
                             const std::string& heading);

// Says on err, after an upload failed, what was sent and what stays
// committed (the acknowledged streams).
void ReportStoppedUpload(Env& env, const UploadSummary& summary);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_INGEST_COMMAND_H_
