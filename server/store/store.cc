#include "server/store/store.h"

namespace rapport::store {

std::vector<absl::StatusOr<std::vector<AppendOutcome>>>
Store::AppendEventBatches(absl::Span<const EventBatch> batches) {
  std::vector<absl::StatusOr<std::vector<AppendOutcome>>> results;
  results.reserve(batches.size());
  for (const EventBatch& batch : batches) {
    results.push_back(AppendEvents(batch.tenant, batch.events, batch.audit));
  }
  return results;
}

}  // namespace rapport::store
