#include "server/api/deferred_call.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace rapport::api {

absl::Status CallerGone(const grpc::CallbackServerContext& context) {
  // A deadline that passed also cancels the call: tell the two apart.
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the deadline passed before the work started; nothing was done");
  }
  if (context.IsCancelled()) {
    return absl::CancelledError(
        "the call was cancelled before the work started; nothing was done");
  }
  return absl::OkStatus();
}

grpc::Status AsClientStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

grpc::Status WithRetryPushback(grpc::CallbackServerContext* context,
                               const absl::Status& status,
                               absl::Duration wait) {
  const int64_t ms = absl::ToInt64Milliseconds(wait);
  context->AddTrailingMetadata(kRetryPushbackKey, absl::StrCat(ms));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      absl::StrCat(status.message(), "; retry in ", ms, " ms"));
}

bool UnaryCompletion::Finish(const grpc::Status& status,
                             absl::FunctionRef<void()> fill) {
  absl::MutexLock lock(&mu_);
  if (finished_) return false;
  finished_ = true;
  fill();
  reactor_->Finish(status);
  return true;
}

grpc::ServerUnaryReactor* SubmitWrite(
    grpc::CallbackServerContext* context, SerialExecutor* writer,
    std::function<void(UnaryCompletion&)> write) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto done = std::make_shared<UnaryCompletion>(reactor);
  CallerTask task;
  task.wanted = [context] { return CallerGone(*context); };
  task.run = [done, write = std::move(write)] { write(*done); };
  // The texts given here are written for clients: passed as they are.
  task.refuse = [done](const absl::Status& why) {
    done->Finish(AsClientStatus(why));
  };
  if (absl::Status queued = writer->Submit(std::move(task)); !queued.ok()) {
    done->Finish(
        absl::IsResourceExhausted(queued)
            ? WithRetryPushback(context, queued, writer->EstimatedWait())
            : AsClientStatus(queued));
  }
  return reactor;
}

}  // namespace rapport::api
