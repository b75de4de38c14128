// The server side of one IngestEvents stream: reads a batch, parses and
// validates it on the parser pool, has the writer commit the valid events
// (one IngestBatches batch each), then reads the next batch. Reads and
// commits alternate, so a batch is durable before the next is read and
// the stream's response reflects every committed batch. Messages arrive as
// raw bytes and are parsed here: the first one that does not parse ends the
// call with INVALID_ARGUMENT (batches committed before it stay committed).
//
// Limits: a full parser pool or writer queue ends the call with
// RESOURCE_EXHAUSTED and a retry hint (batches before it stay committed);
// a batch whose caller has gone before its commit started is not written
// (DEADLINE_EXCEEDED or CANCELLED); a shutdown before it started answers
// UNAVAILABLE.
#ifndef RAPPORT_SERVER_API_INGEST_REACTOR_H_
#define RAPPORT_SERVER_API_INGEST_REACTOR_H_

#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "rapport/v1/activity.pb.h"
#include "server/api/activity_service.h"
#include "server/api/ingest_batch.h"
#include "server/common/memory_trim.h"
#include "server/common/worker_pool.h"

namespace rapport::api {

class IngestReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // Starts reading at once. Deletes itself when the call is done and no
  // task of it is queued or running. On success the serialized
  // v1::IngestEventsResponse goes to `raw_response`. Each batch is audited
  // under `audit`, at the time of its commit. With a null `parsers` the
  // messages are parsed on gRPC's thread. Batches are committed through
  // `group`, so that batches of several streams share a transaction. Large
  // messages are held on `trimmer` (may be null) until their batch is
  // committed.
  IngestReactor(grpc::CallbackServerContext* context, store::TenantId tenant,
                store::AuditContext audit, store::Store* store,
                GroupCommit* group, SerialExecutor* writer, WorkerPool* parsers,
                BurstTrimmer* trimmer, const Clock* clock,
                IngestObserver* observer, const ActivityServiceOptions* options,
                grpc::ByteBuffer* raw_response);

  void OnReadDone(bool ok) override;
  void OnDone() override;

 private:
  // Held by every task of this reactor queued or running: the reactor is
  // deleted once the call is done and the last one is released.
  class Hold;
  std::shared_ptr<Hold> Acquire();
  void Release();

  // Parses and validates the message read, then submits its commit.
  void Parse(const std::shared_ptr<Hold>& hold);
  // Runs on the writer thread.
  void Commit(const std::shared_ptr<GroupCommit::Ticket>& ticket);
  // Finishes the call unless it is finished: the first answer wins.
  // Returns whether this one did.
  bool FinishOnce(const grpc::Status& status);

  grpc::CallbackServerContext* const context_;
  GroupCommit* const group_;
  SerialExecutor* const writer_;
  WorkerPool* const parsers_;
  BurstTrimmer* const trimmer_;
  grpc::ByteBuffer* const raw_response_;
  v1::IngestEventsResponse response_;
  IngestBatches batches_;
  // The message being read, as received.
  grpc::ByteBuffer request_;
  // request_, parsed.
  v1::IngestEventsRequest batch_;
  int batch_index_ = 0;

  // Orders Finish and StartRead, which a shutdown can race: nothing is
  // started after the call is finished. Recursive: gRPC may run a
  // reaction inline, on the thread that started the operation.
  std::recursive_mutex op_mu_;
  bool finished_ = false;  // Guarded by op_mu_.
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int holds_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_INGEST_REACTOR_H_
