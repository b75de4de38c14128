#include "server/api/ingest_reactor.h"

#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/deferred_call.h"
#include "server/api/parse_error.h"
#include "server/api/status.h"

namespace rapport::api {

namespace {

// The retry hint when every parser is busy and the queue is full: one
// large message takes about this long to parse and validate.
constexpr absl::Duration kParsersBusyWait = absl::Seconds(1);

}  // namespace

class IngestReactor::Hold {
 public:
  explicit Hold(IngestReactor* reactor) : reactor_(reactor) {}
  ~Hold() { reactor_->Release(); }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

 private:
  IngestReactor* const reactor_;
};

IngestReactor::IngestReactor(grpc::CallbackServerContext* context,
                             store::TenantId tenant, store::AuditContext audit,
                             store::Store* store, GroupCommit* group,
                             SerialExecutor* writer, WorkerPool* parsers,
                             BurstTrimmer* trimmer, const Clock* clock,
                             IngestObserver* observer,
                             const ActivityServiceOptions* options,
                             grpc::ByteBuffer* raw_response)
    : context_(context),
      group_(group),
      writer_(writer),
      parsers_(parsers),
      trimmer_(trimmer),
      raw_response_(raw_response),
      batches_(std::move(tenant), std::move(audit), store, group, clock,
               observer, options, IngestBatches::Source::kStream, &response_) {
  StartRead(&request_);
}

std::shared_ptr<IngestReactor::Hold> IngestReactor::Acquire() {
  absl::MutexLock lock(&mu_);
  ++holds_;
  return std::make_shared<Hold>(this);
}

void IngestReactor::Release() {
  bool last = false;
  {
    absl::MutexLock lock(&mu_);
    last = --holds_ == 0 && done_;
  }
  if (last) delete this;
}

void IngestReactor::OnDone() {
  bool last = false;
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    last = holds_ == 0;
  }
  if (last) delete this;
}

bool IngestReactor::FinishOnce(const grpc::Status& status) {
  std::lock_guard<std::recursive_mutex> lock(op_mu_);
  if (finished_) return false;
  finished_ = true;
  Finish(status);
  return true;
}

void IngestReactor::OnReadDone(bool ok) {
  if (!ok) {  // The client closed its side: every batch is committed.
    bool own_buffer = false;
    FinishOnce(grpc::SerializationTraits<v1::IngestEventsResponse>::Serialize(
        response_, raw_response_, &own_buffer));
    return;
  }
  std::shared_ptr<Hold> hold = Acquire();
  if (parsers_ == nullptr) {
    Parse(hold);
    return;
  }
  if (!parsers_->TryPost([this, hold] { Parse(hold); })) {
    FinishOnce(WithRetryPushback(
        context_,
        absl::ResourceExhaustedError(absl::StrCat(
            "the server is busy with other large requests; message ",
            batch_index_, " of the stream (counting from 0) was not read")),
        kParsersBusyWait));
  }
}

void IngestReactor::Parse(const std::shared_ptr<Hold>& hold) {
  if (absl::Status gone = CallerGone(*context_); !gone.ok()) {
    FinishOnce(ToGrpcStatus(gone));
    return;
  }
  // Held until the batch is committed or dropped: the last large message
  // of a burst returns the burst's memory to the OS.
  std::shared_ptr<void> large =
      trimmer_ == nullptr ? nullptr : trimmer_->Hold(request_.Length());
  // Deserialize consumes the buffer; cleared at once, so that the raw
  // bytes and the parsed batch are not both held until the commit.
  batch_.Clear();
  const bool parsed =
      grpc::SerializationTraits<v1::IngestEventsRequest>::Deserialize(&request_,
                                                                      &batch_)
          .ok();
  request_.Clear();
  if (!parsed) {
    FinishOnce(ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "message ", batch_index_,
        " of the stream (counting from 0) could not be parsed: ",
        UnparsableRequest(v1::IngestEventsRequest::descriptor()->full_name())
            .message(),
        ". Batches before it are committed."))));
    return;
  }
  response_.set_batch_count(batch_index_ + 1);
  absl::StatusOr<ValidatedBatch> batch = batches_.Validate(batch_.events());
  batch_.Clear();
  if (!batch.ok()) {
    FinishOnce(ToGrpcStatus(batch.status()));
    return;
  }
  std::shared_ptr<GroupCommit::Ticket> ticket = batches_.Stage(
      *std::move(batch), [this] { return CallerGone(*context_); });
  CallerTask task;
  task.wanted = [this] { return CallerGone(*context_); };
  task.run = [this, hold, large, ticket] { Commit(ticket); };
  task.refuse = [this, hold, large, ticket](const absl::Status& why) {
    group_->Withdraw(ticket);
    FinishOnce(AsClientStatus(why));
  };
  if (absl::Status queued = writer_->Submit(std::move(task)); !queued.ok()) {
    FinishOnce(
        absl::IsResourceExhausted(queued)
            ? WithRetryPushback(context_, queued, writer_->EstimatedWait())
            : AsClientStatus(queued));
    return;
  }
  // Queued: a write running before this one may take the batch along.
  group_->Offer(ticket);
}

void IngestReactor::Commit(const std::shared_ptr<GroupCommit::Ticket>& ticket) {
  if (absl::Status s = batches_.Commit(ticket); !s.ok()) {
    FinishOnce(ToGrpcStatus(s));
    return;
  }
  std::lock_guard<std::recursive_mutex> lock(op_mu_);
  if (finished_) return;  // Answered meanwhile (the server shuts down).
  ++batch_index_;
  StartRead(&request_);
}

}  // namespace rapport::api
