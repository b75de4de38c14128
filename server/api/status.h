// The one place where an absl::Status becomes a grpc::Status. Their codes
// are the same; messages pass through unchanged (the layers below never put
// SQL or file paths in a message).
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
