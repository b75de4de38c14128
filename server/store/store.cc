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

absl::StatusOr<int64_t> Store::MemberChangeSeq(const TenantId&) { return 0; }

absl::StatusOr<std::vector<std::pair<TenantId, int64_t>>>
Store::MemberChangeSeqs() {
  return std::vector<std::pair<TenantId, int64_t>>();
}

absl::StatusOr<MemberChanges> Store::ReadMemberChanges(const TenantId&,
                                                       int64_t after_seq,
                                                       int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be >= 1");
  if (after_seq < 0) {
    return absl::InvalidArgumentError("after_seq must be >= 0");
  }
  MemberChanges changes;
  // No log: a reader ahead of number 0 is told so, like a reader of a log
  // that was reset.
  changes.pruned = after_seq > 0;
  return changes;
}

absl::StatusOr<int64_t> Store::PruneMemberChanges(const TenantId&, absl::Time) {
  return 0;
}

}  // namespace rapport::store
