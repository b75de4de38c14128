// The one place where an absl::Status becomes a grpc::Status. Their codes
// are the same. Messages of client errors (INVALID_ARGUMENT naming a field,
// NOT_FOUND, ...) pass through; a server-side failure (UNAVAILABLE,
// RESOURCE_EXHAUSTED, DATA_LOSS, INTERNAL, UNKNOWN, ABORTED) keeps its text
// only when it is one of the Store's client texts (store/errors.h), and is
// otherwise logged and answered with a generic text of its code, so that no
// SQL, path or driver text reaches a client.
#ifndef RAPPORT_SERVER_API_STATUS_H_
#define RAPPORT_SERVER_API_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace rapport::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Finishes a unary callback call with `status` and returns its reactor.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status);

// INVALID_ARGUMENT naming the field: "<field>: <reason>".
absl::Status InvalidField(const std::string& field, const std::string& reason);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_STATUS_H_
