#include "server/api/status.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/store/errors.h"

namespace rapport::api {

namespace {

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
  const bool queued = pool->TryPost([reactor, work = std::move(work)] {
    reactor->Finish(ToGrpcStatus(work()));
  });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(absl::UnavailableError(
        "the server is busy with other requests; retry later")));
  }
  return reactor;
}

absl::Status InvalidField(const std::string& field, const std::string& reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

}  // namespace rapport::api
