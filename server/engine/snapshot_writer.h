// Buffers snapshots and writes them to the store in batches: one transaction
// (one disk sync) per batch instead of one per snapshot.
#ifndef RAPPORT_SERVER_ENGINE_SNAPSHOT_WRITER_H_
#define RAPPORT_SERVER_ENGINE_SNAPSHOT_WRITER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "server/model/score_snapshot.h"
#include "server/store/store.h"

namespace rapport::engine::internal {

// Not thread-safe. Snapshots still buffered when it is destroyed are dropped:
// call Flush() to keep them.
class SnapshotWriter {
 public:
  // `store` is not owned and must outlive the writer. batch_size >= 1.
  SnapshotWriter(store::Store* store, store::TenantId tenant, int batch_size);

  // Buffers `snapshot`, writing the buffer once it holds batch_size. The
  // store's errors.
  absl::Status Add(model::ScoreSnapshot snapshot);

  // Writes whatever is buffered. The store's errors.
  absl::Status Flush();

  // Snapshots written so far.
  int64_t written() const { return written_; }

 private:
  store::Store* const store_;
  const store::TenantId tenant_;
  const size_t batch_size_;
  std::vector<model::ScoreSnapshot> buffer_;
  int64_t written_ = 0;
};

}  // namespace rapport::engine::internal

#endif  // RAPPORT_SERVER_ENGINE_SNAPSHOT_WRITER_H_
