// The times written in a LinkedIn data archive, which differ by file:
// "2024-03-05 14:22:10 UTC" (messages, shares, comments, reactions),
// "05 Mar 2024" (connections), "3/5/24, 2:22 PM" (invitations,
// recommendations). Times without a zone are taken as UTC.
#ifndef RAPPORT_CLIENT_CLI_LINKEDIN_TIME_H_
#define RAPPORT_CLIENT_CLI_LINKEDIN_TIME_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rapport::cli {

// Accepts, after trimming spaces: "YYYY-MM-DD HH:MM[:SS][ UTC]", RFC 3339,
// "YYYY-MM-DD", "DD Mon YYYY", "Mon DD, YYYY", "M/D/YY[YY][,] H:MM[:SS]
// AM|PM", "M/D/YY[YY][,] HH:MM" and "M/D/YY[YY]" (two-digit years are
// 1969-2068). INVALID_ARGUMENT quoting the text otherwise. Pure.
absl::StatusOr<absl::Time> ParseLinkedInTime(absl::string_view text);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_LINKEDIN_TIME_H_
