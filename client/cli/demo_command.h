// `rapport demo`: generates the demo organisation and loads it (members with
// UpsertMember, events streamed through IngestEvents), or writes it as JSON
// lines for `rapport upsert-members` and `rapport ingest`.
#ifndef RAPPORT_CLIENT_CLI_DEMO_COMMAND_H_
#define RAPPORT_CLIENT_CLI_DEMO_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/env.h"
#include "client/cli/uploader.h"
#include "client/demo/demo.h"

namespace rapport::cli {

struct DemoCommandOptions {
  rapport::demo::DemoOptions demo;  // Must be valid.
  UploadOptions upload;
  // When either is set, write files instead of loading; nothing is sent.
  std::string write_jsonl;          // Events.
  std::string write_members_jsonl;  // Members.
  // Events as delimited IngestEventsRequest messages of
  // upload.batch_size events: what a load generator sends as it is.
  std::string write_batches;
};

// Generates member by member, so that a large org never sits in memory.
// Returns the first failed RPC's status, or NOT_FOUND / DATA_LOSS for a file
// that cannot be written.
absl::Status RunDemo(Env& env, const DemoCommandOptions& options);

// "thought_leader  2  rep-003 Ava Thompson (Atlas), rep-047 ..." per
// persona, at most max_listed members each. Pure.
std::string RenderPersonas(
    const std::vector<rapport::demo::DemoMember>& members, int max_listed);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_DEMO_COMMAND_H_
