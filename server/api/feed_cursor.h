// The cursor of ScoringService.ListScoreChanges: a core::FeedPosition bound
// to the tenant and the team filter it was issued for. Opaque to clients
// (web-safe base64), versioned, and carrying a checksum over its content,
// so that a cursor altered or truncated in transit or in a file is refused
// instead of resuming at a wrong position. It is not a secret and grants
// nothing: every call checks the caller's scope afresh.
#ifndef RAPPORT_SERVER_API_FEED_CURSOR_H_
#define RAPPORT_SERVER_API_FEED_CURSOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/core/score_changes.h"

namespace rapport::api {

// The cursor resuming at `position` for requests of `tenant` with `team`.
std::string EncodeFeedCursor(const core::FeedPosition& position,
                             absl::string_view tenant, absl::string_view team);

// The position of `cursor`; the start of the feed for an empty cursor.
// INVALID_ARGUMENT naming `cursor` when it is malformed, altered, or was
// issued for another tenant or team filter.
absl::StatusOr<core::FeedPosition> DecodeFeedCursor(absl::string_view cursor,
                                                    absl::string_view tenant,
                                                    absl::string_view team);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_FEED_CURSOR_H_
