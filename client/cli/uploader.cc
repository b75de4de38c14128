#include "client/cli/uploader.h"

#include <algorithm>

namespace rapport::cli {

EventUploader::EventUploader(Client& client, UploadOptions options)
    : client_(client), options_(options) {}

EventUploader::~EventUploader() {
  if (writer_ == nullptr) return;
  context_->TryCancel();
  // A sync stream must be finished before it is destroyed; the status is
  // CANCELLED and of no interest here.
  (void)writer_->Finish();
}

absl::Status EventUploader::Add(rapport::v1::Event event, int64_t tag) {
  *batch_.add_events() = std::move(event);
  batch_tags_.push_back(tag);
  const int64_t in_stream = stream_events_ + batch_.events_size();
  if (batch_.events_size() >= std::max(1, options_.batch_size) ||
      in_stream >= options_.events_per_stream) {
    if (absl::Status s = SendBatch(); !s.ok()) return s;
  }
  if (stream_events_ >= options_.events_per_stream) return CloseStream();
  return absl::OkStatus();
}

absl::Status EventUploader::Finish() {
  if (batch_.events_size() > 0) {
    if (absl::Status s = SendBatch(); !s.ok()) return s;
  }
  return CloseStream();
}

absl::Status EventUploader::SendBatch() {
  if (writer_ == nullptr) {
    context_ = client_.NewContext();
    response_.Clear();
    writer_ = client_.activity().IngestEvents(context_.get(), &response_);
    stream_tags_.clear();
    stream_events_ = 0;
    ++summary_.streams;
  }
  const int n = batch_.events_size();
  const bool written = writer_->Write(batch_);
  summary_.sent += n;
  ++summary_.batches;
  stream_events_ += n;
  stream_tags_.push_back(std::move(batch_tags_));
  batch_.Clear();
  batch_tags_.clear();
  if (written) return absl::OkStatus();
  // The server ended the stream early; Finish says why.
  absl::Status status = CloseStream();
  if (status.ok()) {
    status = absl::UnknownError("the server closed the ingestion stream");
  }
  return status;
}

absl::Status EventUploader::CloseStream() {
  if (writer_ == nullptr) return absl::OkStatus();
  writer_->WritesDone();
  const absl::Status status = FromGrpc(writer_->Finish());
  writer_.reset();
  context_.reset();
  if (!status.ok()) return status;
  summary_.acknowledged += stream_events_;
  summary_.accepted += response_.accepted_count();
  summary_.duplicate += response_.duplicate_count();
  summary_.conflicting += response_.conflicting_count();
  for (const std::string& id : response_.conflicting_event_ids()) {
    summary_.conflicting_event_ids.push_back(id);
  }
  summary_.rejected += response_.rejected_count();
  const size_t first = summary_.rejections.size();
  for (const rapport::v1::RejectedEvent& r : response_.rejected()) {
    Rejection rejection{.tag = -1,
                        .event_id = r.event_id(),
                        .field = r.field(),
                        .reason = r.reason()};
    if (r.batch_index() >= 0 &&
        r.batch_index() < static_cast<int>(stream_tags_.size())) {
      const std::vector<int64_t>& tags = stream_tags_[r.batch_index()];
      if (r.event_index() >= 0 &&
          r.event_index() < static_cast<int>(tags.size())) {
        rejection.tag = tags[r.event_index()];
      }
    }
    summary_.rejections.push_back(std::move(rejection));
  }
  // Tags grow in stream order; keep the list in that order whatever order
  // the server found the problems in.
  std::stable_sort(
      summary_.rejections.begin() + first, summary_.rejections.end(),
      [](const Rejection& a, const Rejection& b) { return a.tag < b.tag; });
  stream_tags_.clear();
  stream_events_ = 0;
  return absl::OkStatus();
}

}  // namespace rapport::cli
