// The pseudonymous ids a LinkedIn archive's rows are sent with: digests
// (SHA-256, lower-case hex) instead of the names, URLs and LinkedIn ids the
// archive holds. Pure.
#ifndef RAPPORT_CLIENT_CLI_LINKEDIN_IDS_H_
#define RAPPORT_CLIENT_CLI_LINKEDIN_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rapport::cli {

// A URL lower-cased, without scheme, "www.", query, fragment or trailing
// '/': "https://www.linkedin.com/in/Jane-Doe/?trk=x" ->
// "linkedin.com/in/jane-doe".
std::string NormalizeLinkedInUrl(absl::string_view url);

// The contact id of a profile URL: "li-" and the first 32 hex digits of the
// SHA-256 of the normalized URL. "" for an empty URL.
std::string LinkedInContactId(absl::string_view profile_url);

// The contact id of a person known only by name (recommendations):
// "li-n-" and 32 hex digits of the SHA-256 of "name:" and the name.
std::string LinkedInNameContactId(absl::string_view lower_case_name);

// "li-" and 32 hex digits of the SHA-256 of a conversation id (a thread_id)
// or of a normalized link (a content_id).
std::string LinkedInDigestId(absl::string_view text);

// "li:<tag>:" and 40 hex digits of the SHA-256 of the member, the tag (the
// file's kind), the row's identifying key and its rank among identical
// keys: the same row of any archive of the member has the same id.
std::string LinkedInEventId(absl::string_view member_id, absl::string_view tag,
                            absl::string_view key, int rank);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_LINKEDIN_IDS_H_
