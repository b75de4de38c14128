#include "server/engine/snapshot_writer.h"

#include <algorithm>
#include <utility>

namespace rapport::engine::internal {

SnapshotWriter::SnapshotWriter(store::Store* store, store::TenantId tenant,
                               int batch_size)
    : store_(store),
      tenant_(std::move(tenant)),
      batch_size_(static_cast<size_t>(std::max(batch_size, 1))) {
  buffer_.reserve(batch_size_);
}

absl::Status SnapshotWriter::Add(model::ScoreSnapshot snapshot) {
  buffer_.push_back(std::move(snapshot));
  if (buffer_.size() < batch_size_) return absl::OkStatus();
  return Flush();
}

absl::Status SnapshotWriter::Flush() {
  if (buffer_.empty()) return absl::OkStatus();
  absl::Status status = store_->WriteScoreSnapshots(tenant_, buffer_);
  if (!status.ok()) return status;
  written_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
  return absl::OkStatus();
}

}  // namespace rapport::engine::internal
