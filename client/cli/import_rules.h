// The single-value rules of an import mapping (rapport.config.v1): matching
// a cell, parsing a time, a title's seniority, an owner's member_id. Pure
// functions over strings, so that each rule can be tested on its own.
#ifndef RAPPORT_CLIENT_CLI_IMPORT_RULES_H_
#define RAPPORT_CLIENT_CLI_IMPORT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rapport/config/v1/import_mapping.pb.h"

namespace rapport::cli {

// The time formats tried when a TimeRule lists none (see the proto).
const std::vector<std::string>& DefaultTimeFormats();

// The format name that stands for ISO 8601 / RFC 3339 in a TimeRule.
inline constexpr absl::string_view kIso8601 = "ISO8601";

// Whether `value` (trimmed) passes `match` against `values`, ignoring ASCII
// case. MATCH_EMPTY and MATCH_NOT_EMPTY ignore `values`; MATCH_UNSPECIFIED
// never holds.
bool MatchesCell(absl::string_view value, config::v1::Match match,
                 const std::vector<std::string>& values);

// The instant `value` (trimmed) stands for in the first of `formats` that
// reads all of it; a time without an offset is in `zone`. An out-of-range
// field (February 31st, hour 25) is refused, never normalised.
// INVALID_ARGUMENT "not a date: '<value>'" when no format reads it.
absl::StatusOr<absl::Time> ParseCellTime(
    absl::string_view value, const std::vector<std::string>& formats,
    absl::TimeZone zone);

// The seniority of `title`: that of the first rule one of whose keywords is
// found in it as whole words (ignoring ASCII case and punctuation);
// `fallback` for a title none matches; SENIORITY_UNSPECIFIED for an empty
// title.
v1::Seniority SeniorityOfTitle(
    absl::string_view title,
    const google::protobuf::RepeatedPtrField<config::v1::SeniorityRule>& rules,
    v1::Seniority fallback);

// `owner` (trimmed) made into a member_id by `form` (see MemberIdForm);
// empty when nothing of it is left.
std::string MemberIdOfOwner(absl::string_view owner,
                            config::v1::MemberIdForm form);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_IMPORT_RULES_H_
