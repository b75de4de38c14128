#include "server/api/ingest_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/parse_error.h"
#include "server/api/status.h"

namespace rapport::api {

IngestReactor::IngestReactor(store::TenantId tenant, store::AuditContext audit,
                             store::Store* store, SerialExecutor* writer,
                             const Clock* clock, IngestObserver* observer,
                             store::MemberChangeListener* listener,
                             const ActivityServiceOptions* options,
                             grpc::ByteBuffer* raw_response)
    : writer_(writer),
      raw_response_(raw_response),
      batches_(std::move(tenant), std::move(audit), store, clock, observer,
               listener, options, IngestBatches::Source::kStream, &response_) {
  StartRead(&request_);
}

void IngestReactor::OnReadDone(bool ok) {
  if (!ok) {  // The client closed its side: every batch is committed.
    bool own_buffer = false;
    Finish(grpc::SerializationTraits<v1::IngestEventsResponse>::Serialize(
        response_, raw_response_, &own_buffer));
    return;
  }
  // Deserialize consumes the buffer, which Commit clears and reads into.
  batch_.Clear();
  if (!grpc::SerializationTraits<v1::IngestEventsRequest>::Deserialize(
           &request_, &batch_)
           .ok()) {
    Finish(ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "message ", batch_index_,
        " of the stream (counting from 0) could not be parsed: ",
        UnparsableRequest(v1::IngestEventsRequest::descriptor()->full_name())
            .message(),
        ". Batches before it are committed."))));
    return;
  }
  response_.set_batch_count(batch_index_ + 1);
  absl::StatusOr<ValidatedBatch> batch = batches_.Validate(batch_.events());
  if (!batch.ok()) {
    Finish(ToGrpcStatus(batch.status()));
    return;
  }
  writer_->Post([this, batch = *std::move(batch)]() mutable {
    Commit(std::move(batch));
  });
}

void IngestReactor::Commit(ValidatedBatch batch) {
  if (absl::Status s = batches_.Commit(std::move(batch)); !s.ok()) {
    Finish(ToGrpcStatus(s));
    return;
  }
  ++batch_index_;
  request_.Clear();
  StartRead(&request_);
}

}  // namespace rapport::api
