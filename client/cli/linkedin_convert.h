// What a member's LinkedIn data archive says about them, in Rapport's terms:
// the profile snapshot (Profile fields) and activity events, each event
// traced to the file and line it came from. docs/linkedin-archive.md lists
// which file feeds what.
//
// Privacy: nothing that names a person or quotes a message leaves this
// library. Contacts are pseudonymous ids derived from profile URLs, threads
// and content are digests of LinkedIn's ids and links, and names and message
// texts are read only to tell the member's own messages apart and to make
// event ids stable.
#ifndef RAPPORT_CLIENT_CLI_LINKEDIN_CONVERT_H_
#define RAPPORT_CLIENT_CLI_LINKEDIN_CONVERT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/cli/linkedin_archive.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {

// One file of the archive: used (and for what) or ignored (and why).
struct LinkedInFileReport {
  std::string file;  // Its path in the archive.
  bool used = false;
  std::string feeds;    // When used: the Profile fields or event types.
  std::string reason;   // When ignored: why.
  int64_t rows = 0;     // Data rows read.
  int64_t events = 0;   // Events made from them.
  int64_t skipped = 0;  // Rows that make no event by rule (see the docs).
  int64_t bad = 0;      // Rows refused, each listed in problems.
};

// A row refused (an unreadable date), or where a file's reading stopped.
struct LinkedInRowProblem {
  std::string file;
  int64_t line = 0;
  std::string reason;
};

struct LinkedInEvent {
  rapport::v1::Event event;
  std::string file;
  int64_t line = 0;
};

struct LinkedInConversion {
  // The Profile fields the archive holds; the others stay as they are.
  rapport::v1::Profile profile;
  // The field numbers of `profile` that the archive set.
  std::vector<int> profile_fields;
  std::vector<LinkedInEvent> events;
  // Used files in the order read, then ignored ones in archive order.
  std::vector<LinkedInFileReport> files;
  std::vector<LinkedInRowProblem> problems;
};

// Reads every file of `archive` Rapport knows. Event ids are
// "li:<kind>:<40 hex>", a digest of the member, the file's kind and the
// row's identifying content (and, for identical rows, their rank), so that
// the same row in a later archive makes the same event. Never fails: a file
// that cannot be read or lacks a required column is reported as ignored.
LinkedInConversion ConvertLinkedInArchive(const LinkedInArchive& archive,
                                          absl::string_view member_id);

// `existing` with the fields the archive set replaced. has_photo and
// board_roles_count are never in an archive, so they stay;
// positions_with_description_count is kept at most positions_count.
rapport::v1::Profile MergeLinkedInProfile(const rapport::v1::Profile& existing,
                                          const LinkedInConversion& conversion);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_LINKEDIN_CONVERT_H_
