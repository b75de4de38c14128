// Calls answered from another thread than gRPC's: writes queued on the
// single writer and the slow calls of the worker pool. Each is answered
// exactly once, whichever comes first of its own answer, its caller going
// away (deadline passed or cancelled) before its work started, a full
// queue, or the server shutting down.
#ifndef RAPPORT_SERVER_API_DEFERRED_CALL_H_
#define RAPPORT_SERVER_API_DEFERRED_CALL_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "server/common/serial_executor.h"

namespace rapport::api {

// The trailing metadata key by which gRPC clients (and their retry
// policies) learn how long to wait before retrying.
inline constexpr char kRetryPushbackKey[] = "grpc-retry-pushback-ms";

// OK while the caller of `context` still waits for the answer;
// DEADLINE_EXCEEDED once its deadline has passed, CANCELLED once it
// cancelled (or the server cancelled the call). Thread-safe while the call
// is not finished.
absl::Status CallerGone(const grpc::CallbackServerContext& context);

// `status` as it is, for the statuses whose text was written here for
// clients (a full queue, a shutdown, a caller gone): unlike ToGrpcStatus,
// a server-side code keeps its text.
grpc::Status AsClientStatus(const absl::Status& status);

// `status` (RESOURCE_EXHAUSTED or UNAVAILABLE) as the client sees it: its
// message ends with "; retry in N ms" and the call's trailers carry
// grpc-retry-pushback-ms: N. Call before finishing the call.
grpc::Status WithRetryPushback(grpc::CallbackServerContext* context,
                               const absl::Status& status, absl::Duration wait);

// One unary call answered once, from any thread. Thread-safe.
class UnaryCompletion {
 public:
  explicit UnaryCompletion(grpc::ServerUnaryReactor* reactor)
      : reactor_(reactor) {}

  // The first Finish wins: it runs `fill` (which writes the response; the
  // response must not be touched otherwise) and finishes the call with
  // `status`. Later ones do nothing and return false.
  bool Finish(const grpc::Status& status, absl::FunctionRef<void()> fill);
  bool Finish(const grpc::Status& status) {
    return Finish(status, [] {});
  }

 private:
  absl::Mutex mu_;
  grpc::ServerUnaryReactor* const reactor_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// Queues `write` on `writer` for the call of `context` and returns the
// call's reactor. `write` runs on the writer thread and answers through the
// completion it is given (filling the response only in Finish's `fill`:
// the server may have answered already, see below). Instead of running it:
// - the writer's queue is full: RESOURCE_EXHAUSTED "the write queue is
//   full; retry in N ms" with grpc-retry-pushback-ms, at once;
// - the caller has gone when its turn comes: DEADLINE_EXCEEDED or
//   CANCELLED, and nothing is written;
// - the server shuts down first: UNAVAILABLE "server is shutting down".
// Whatever `write` captures must outlive the writer's thread (the service,
// copies of the request's data); not the request or the context.
grpc::ServerUnaryReactor* SubmitWrite(
    grpc::CallbackServerContext* context, SerialExecutor* writer,
    std::function<void(UnaryCompletion&)> write);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_DEFERRED_CALL_H_
