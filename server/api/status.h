// The one place where an absl::Status becomes a grpc::Status. Their codes
// are the same. Messages of client errors (INVALID_ARGUMENT naming a field,
// NOT_FOUND, ...) pass through; a server-side failure (UNAVAILABLE,
// RESOURCE_EXHAUSTED, DATA_LOSS, INTERNAL, UNKNOWN, ABORTED) keeps its text
// only when it is one of the Store's client texts (store/errors.h), and is
// otherwise logged and answered with a generic text of its code, so that no
// SQL, path or driver text reaches a client.
#ifndef RAPPORT_SERVER_API_STATUS_H_
#define RAPPORT_SERVER_API_STATUS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "server/common/worker_pool.h"

namespace rapport::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Finishes a unary callback call with `status` and returns its reactor.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status);

// Runs `work` on `pool` and finishes the call with its status there, so
// that a slow call holds a pool thread, not one of gRPC's callback threads.
// With a null pool `work` runs here. When the pool's queue is full the call
// is answered UNAVAILABLE ("busy ...; retry in N ms", with
// grpc-retry-pushback-ms) without running `work`; when its caller has gone
// (deadline passed, cancelled) before a thread took it, DEADLINE_EXCEEDED
// or CANCELLED without running it. Long work checks CallerGone
// (deferred_call.h) as it goes.
// Whatever `work` refers to (request, response, context, the service) must
// outlive the call, as gRPC's own objects do until it finishes.
grpc::ServerUnaryReactor* FinishOnPool(grpc::CallbackServerContext* context,
                                       WorkerPool* pool,
                                       std::function<absl::Status()> work);

// INVALID_ARGUMENT naming the field: "<field>: <reason>".
absl::Status InvalidField(const std::string& field, const std::string& reason);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_STATUS_H_
