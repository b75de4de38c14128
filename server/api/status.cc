#include "server/api/status.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/deferred_call.h"
#include "server/store/errors.h"

namespace rapport::api {

namespace {

// The retry hint when the worker pool's queue is full: about the time a
// slow call takes.
constexpr absl::Duration kPoolBusyWait = absl::Seconds(1);

// The text a client gets for a server-side failure whose own text was not
// written for clients.
const char* GenericMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return "the service is unavailable; retry later";
    case absl::StatusCode::kResourceExhausted:
      return "a resource is exhausted; retry later";
    case absl::StatusCode::kDataLoss:
      return "stored data is damaged";
    case absl::StatusCode::kAborted:
      return "the operation was aborted; retry it";
    default:
      return "internal error";
  }
}

bool IsServerSide(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (IsServerSide(status.code()) &&
      !store::IsStorageMessage(status.message())) {
    std::fprintf(stderr, "rapport api: %s\n", status.ToString().c_str());
    return grpc::Status(code, GenericMessage(status.code()));
  }
  return grpc::Status(code, std::string(status.message()));
}

grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* FinishOnPool(grpc::CallbackServerContext* context,
                                       WorkerPool* pool,
                                       std::function<absl::Status()> work) {
  if (pool == nullptr) return FinishUnary(context, work());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = pool->TryPost([context, reactor, work = std::move(work)] {
    // A caller that has gone while the call waited for a thread: the
    // work would be for nobody.
    if (absl::Status gone = CallerGone(*context); !gone.ok()) {
      reactor->Finish(ToGrpcStatus(gone));
      return;
    }
    reactor->Finish(ToGrpcStatus(work()));
  });
  if (!queued) {
    reactor->Finish(WithRetryPushback(
        context,
        absl::UnavailableError("the server is busy with other requests"),
        kPoolBusyWait));
  }
  return reactor;
}

absl::Status InvalidField(const std::string& field, const std::string& reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

}  // namespace rapport::api
