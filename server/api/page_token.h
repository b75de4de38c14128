// Opaque page tokens. A token carries the position to resume from and a
// fingerprint of the request's filters, so that a token used with other
// filters is refused instead of silently returning the wrong page.
#ifndef RAPPORT_SERVER_API_PAGE_TOKEN_H_
#define RAPPORT_SERVER_API_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rapport::api {

// A token resuming after `cursor` for requests whose filters serialise to
// `filters`.
std::string EncodePageToken(absl::string_view filters,
                            absl::string_view cursor);

// The cursor of `token`; "" for an empty token. INVALID_ARGUMENT naming
// `page_token` when the token is malformed or was issued for other filters.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view filters);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_PAGE_TOKEN_H_
