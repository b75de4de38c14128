// `rapport import --format=linkedin-archive FILE.zip|DIR --member=ID`:
// imports a member's own LinkedIn data archive (docs/linkedin-archive.md):
// their profile snapshot through UpsertMember, their activity through
// IngestEvents. Names and message texts never leave the machine.
#ifndef RAPPORT_CLIENT_CLI_LINKEDIN_IMPORT_H_
#define RAPPORT_CLIENT_CLI_LINKEDIN_IMPORT_H_

#include <string>

#include "absl/status/status.h"
#include "client/cli/env.h"
#include "client/cli/linkedin_convert.h"
#include "client/cli/uploader.h"

namespace rapport::cli {

struct LinkedInImportOptions {
  std::string path;  // The archive: a ZIP file or the folder it unpacks to.
  std::string member_id;
  // Read and report only: no call is made.
  bool dry_run = false;
  UploadOptions upload;
};

// Reads the archive, then (unless dry_run) gets the member, upserts them
// with the archive's Profile fields (every other field kept) and uploads the
// events. Prints the files used and ignored, the rows refused (unreadable
// dates, by file and line), the profile, the events by type and what the
// server did with them (rejections by file and line), in human form or as
// one JSON object (env.json). Refused rows do not fail the command.
// Errors: NOT_FOUND for a missing archive or member; INVALID_ARGUMENT for a
// path that is neither a folder nor a ZIP; the RPC's error when a call
// fails (streams acknowledged before it stay committed).
absl::Status RunLinkedInArchiveImport(Env& env,
                                      const LinkedInImportOptions& options);

// The report RunLinkedInArchiveImport prints. `upload` is null for a dry
// run; `profile` is the snapshot sent (or that would be). Pure.
std::string RenderLinkedInImport(const LinkedInImportOptions& options,
                                 const LinkedInConversion& conversion,
                                 const rapport::v1::Profile& profile,
                                 const UploadSummary* upload, bool json);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_LINKEDIN_IMPORT_H_
