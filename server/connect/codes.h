// The Connect protocol's error codes: their names on the wire and the HTTP
// status of a unary error with each (connectrpc.com/docs/protocol). The
// codes are gRPC's, so one grpc::StatusCode names both. Pure.
#ifndef RAPPORT_SERVER_CONNECT_CODES_H_
#define RAPPORT_SERVER_CONNECT_CODES_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace rapport::connect {

// "invalid_argument", "canceled", ...; "unknown" for OK or a code outside
// gRPC's 17.
absl::string_view CodeName(grpc::StatusCode code);

// The code named `name`; nullopt for a name that is none of the 16.
std::optional<grpc::StatusCode> CodeOfName(absl::string_view name);

// The HTTP status a unary Connect error with `code` is sent with: 400
// invalid_argument, failed_precondition and out_of_range; 401
// unauthenticated; 403 permission_denied; 404 not_found; 409 already_exists
// and aborted; 429 resource_exhausted; 499 canceled; 501 unimplemented; 503
// unavailable; 504 deadline_exceeded; 500 for the others.
int HttpStatusOf(grpc::StatusCode code);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_CODES_H_
