// The one ingest path: a batch of events validated, committed atomically and
// durably by the store, and tallied. The IngestEvents stream runs one per
// message; WriteEvents runs exactly one. Both therefore share the
// validation, the batch limit, the per-event rejections, the audit entry,
// the ingest observer (metrics) and, through the group commit, the change
// listener (the score boards).
#ifndef RAPPORT_SERVER_API_INGEST_BATCH_H_
#define RAPPORT_SERVER_API_INGEST_BATCH_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_field.h"
#include "grpcpp/support/status.h"
#include "rapport/v1/activity.pb.h"
#include "server/api/activity_service.h"
#include "server/api/group_commit.h"
#include "server/model/event.h"

namespace rapport::api {

// The valid events of a batch and their positions in it.
struct ValidatedBatch {
  std::vector<model::Event> events;
  std::vector<int> indexes;
};

// Not thread-safe: one caller at a time (the stream alternates Validate on
// a callback thread and Commit on the writer; WriteEvents does the same).
class IngestBatches {
 public:
  // How an over-limit batch is described.
  enum class Source { kStream, kRequest };

  // Nothing is owned; all must outlive this. The outcomes of every batch
  // accumulate in `tally`; each batch is audited under `audit` at the time
  // of its commit.
  IngestBatches(store::TenantId tenant, store::AuditContext audit,
                store::Store* store, GroupCommit* group, const Clock* clock,
                IngestObserver* observer, const ActivityServiceOptions* options,
                Source source, v1::IngestEventsResponse* tally);

  // Checks the next batch: INVALID_ARGUMENT naming `events` when it holds
  // more than the batch limit; otherwise each invalid event is rejected in
  // the tally (by its index) and the valid ones are returned.
  absl::StatusOr<ValidatedBatch> Validate(
      const google::protobuf::RepeatedPtrField<v1::Event>& events);

  // Hands the checked batch to the group commit (group_commit.h): the
  // ticket to Offer once its write task is queued, and to Commit. One batch
  // at a time: Commit (or drop) the ticket before staging the next.
  // `wanted` as in GroupCommit::Prepare.
  std::shared_ptr<GroupCommit::Ticket> Stage(
      ValidatedBatch batch, std::function<absl::Status()> wanted = {});

  // Commits the staged batch (run it on the writer executor): the store
  // appends the events in one durable transaction, possibly with other
  // batches (the group commit tells the listener of the members changed);
  // the outcomes go to the tally and the counts to the observer. Errors are
  // the store's, with nothing of the batch stored.
  absl::Status Commit(const std::shared_ptr<GroupCommit::Ticket>& ticket);

 private:
  void Reject(int event_index, const std::string& event_id,
              const std::string& field, const std::string& reason,
              grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT);
  // Why the store refused an event, in words; FAILED_PRECONDITION naming
  // the erasure.
  void RejectErased(int event_index, const model::Event& event,
                    store::ErasureKind kind);

  const store::TenantId tenant_;
  store::AuditContext audit_;
  store::Store* const store_;
  GroupCommit* const group_;
  const Clock* const clock_;
  IngestObserver* const observer_;
  const ActivityServiceOptions* const options_;
  const Source source_;
  v1::IngestEventsResponse* const tally_;
  int batch_index_ = 0;
  // " at <time>" of each erased person seen so far.
  std::map<std::pair<store::ErasureKind, std::string>, std::string>
      erasure_times_;
  int64_t rejected_at_batch_start_ = 0;
  // The staged batch's positions of its valid events.
  std::vector<int> staged_indexes_;
};

// The outcome of WriteEvents' single batch, from its tally.
void ToWriteEventsResponse(v1::IngestEventsResponse tally,
                           v1::WriteEventsResponse* out);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_INGEST_BATCH_H_
