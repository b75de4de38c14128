// Validation of API input. Every failure names the field at fault with its
// path in the request (for example `member.team` or `contact.contact_id`)
// and says what is expected, in words a CRM integrator can act on.
#ifndef RAPPORT_SERVER_API_VALIDATE_H_
#define RAPPORT_SERVER_API_VALIDATE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::api {

struct ValidationLimits {
  // Events may not be dated later than now + this skew.
  absl::Duration max_clock_skew = absl::Minutes(5);
  // Events may not be dated before this.
  absl::Time earliest_event_time = absl::FromUnixSeconds(946684800);  // 2000.
};

// One field at fault.
struct FieldError {
  std::string field;
  std::string reason;
};

// The lengths of free text, in characters (code points).
inline constexpr size_t kMaxNameLength = 256;   // display_name, manager.
inline constexpr size_t kMaxGroupLength = 128;  // team, industry.
inline constexpr size_t kMaxRegionLength = 64;  // contact.region.

// Checks free text: empty only when not `required`, at most `max_chars`
// characters (Unicode code points, not bytes), valid UTF-8, and no
// character that rapport::IsForbiddenInText refuses (controls,
// bidirectional controls, zero-width and invisible characters, line
// separators, noncharacters). The reason names the first such character by
// code point and position: "contains U+202E (RIGHT-TO-LEFT OVERRIDE) at
// character 4; ...".
std::optional<FieldError> CheckText(const std::string& field,
                                    const std::string& value, size_t max_chars,
                                    bool required);

// CheckText as a status: OK, or INVALID_ARGUMENT "<field>: <reason>".
absl::Status CheckTextField(const std::string& field, const std::string& value,
                            size_t max_chars, bool required);

// Checks an identifier: 1 to 128 characters of [A-Za-z0-9._:@-].
std::optional<FieldError> CheckId(const std::string& field,
                                  const std::string& value);

// The identifier check of a request field naming a member: OK, or
// INVALID_ARGUMENT "<field>: <reason>".
absl::Status CheckMemberId(const std::string& field,
                           const std::string& member_id);

// OK, or INVALID_ARGUMENT "<field>: <reason>" with field paths under
// `member.`.
absl::Status ValidateMember(const v1::Member& member);

// The first problem of a member, with a field path relative to the member
// (such as `profile.skills_count`), or nullopt when it is valid. The one
// check behind ValidateMember.
std::optional<FieldError> MemberProblem(const v1::Member& member);

// The first problem of an event, with a field path relative to the event,
// or nullopt when it is valid at `now`.
std::optional<FieldError> ValidateEvent(const v1::Event& event, absl::Time now,
                                        const ValidationLimits& limits);

// The time of an optional request timestamp (`present` says whether it was
// set): nullopt when absent; INVALID_ARGUMENT naming `field` when it is
// malformed, before the earliest accepted time or in the future.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(
    const std::string& field, bool present,
    const google::protobuf::Timestamp& ts, absl::Time now,
    const ValidationLimits& limits);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_VALIDATE_H_
