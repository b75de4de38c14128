// A unary call sent as an HTTP GET (Connect's "GET requests", for methods
// without side effects): the query parameters connect=v1, encoding=json|
// proto, message=..., base64=1 and compression=... Pure.
#ifndef RAPPORT_SERVER_CONNECT_GET_REQUEST_H_
#define RAPPORT_SERVER_CONNECT_GET_REQUEST_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/connect/codec.h"
#include "server/connect/compression.h"

namespace rapport::connect {

struct GetRequest {
  Codec codec = Codec::kJson;
  Compression compression = Compression::kIdentity;
  // The message as sent (still compressed when `compression` says so);
  // empty when the query has none.
  std::string message;
};

// Parses a raw query string (URL-encoded, without '?'). INVALID_ARGUMENT
// for connect other than v1, base64 other than 1 or a message that is not
// URL-safe base64 (padded or not) when base64=1; UNIMPLEMENTED for an
// unknown compression; FAILED_PRECONDITION when encoding is missing or
// names no codec (the caller answers 415).
absl::StatusOr<GetRequest> ParseGetQuery(absl::string_view query);

// `text` with %XX escapes and '+' (a space) decoded; nullopt for a '%'
// without two hex digits.
std::optional<std::string> UrlDecode(absl::string_view text);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_GET_REQUEST_H_
