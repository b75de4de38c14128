// The server side of one IngestEvents stream: reads a batch, validates it,
// has the writer commit the valid events (one IngestBatches batch each),
// then reads the next batch. Reads
// and commits alternate, so a batch is durable before the next is read and
// the stream's response reflects every committed batch. Messages arrive as
// raw bytes and are parsed here: the first one that does not parse ends the
// call with INVALID_ARGUMENT (batches committed before it stay committed).
#ifndef RAPPORT_SERVER_API_INGEST_REACTOR_H_
#define RAPPORT_SERVER_API_INGEST_REACTOR_H_

#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "rapport/v1/activity.pb.h"
#include "server/api/activity_service.h"
#include "server/api/ingest_batch.h"

namespace rapport::api {

class IngestReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // Starts reading at once. Deletes itself when the call is done. On
  // success the serialized v1::IngestEventsResponse goes to `raw_response`.
  // Each batch is audited under `audit`, at the time of its commit.
  IngestReactor(store::TenantId tenant, store::AuditContext audit,
                store::Store* store, SerialExecutor* writer, const Clock* clock,
                IngestObserver* observer, store::MemberChangeListener* listener,
                const ActivityServiceOptions* options,
                grpc::ByteBuffer* raw_response);

  void OnReadDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  // Runs on the writer thread.
  void Commit(ValidatedBatch batch);

  SerialExecutor* const writer_;
  grpc::ByteBuffer* const raw_response_;
  v1::IngestEventsResponse response_;
  IngestBatches batches_;
  // The message being read, as received.
  grpc::ByteBuffer request_;
  // request_, parsed.
  v1::IngestEventsRequest batch_;
  int batch_index_ = 0;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_INGEST_REACTOR_H_
