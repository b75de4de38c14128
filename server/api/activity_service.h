// ActivityService: members and event ingestion (rapport.v1.ActivityService).
//
// A thin adapter: validate, resolve the tenant, convert, call the Store,
// map the status. Every write goes through the `writer` executor so that
// gRPC's callback threads never wait on a disk sync.
#ifndef RAPPORT_SERVER_API_ACTIVITY_SERVICE_H_
#define RAPPORT_SERVER_API_ACTIVITY_SERVICE_H_

#include "rapport/v1/activity.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/group_commit.h"
#include "server/api/ingest_observer.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/common/memory_trim.h"
#include "server/common/serial_executor.h"
#include "server/common/worker_pool.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::api {

// The most members one BatchUpsertMembersRequest may carry.
inline constexpr int kMaxBatchMembers = 1000;

struct ActivityServiceOptions {
  // The most events one IngestEventsRequest may carry.
  int max_batch_events = 1000;
  // The most rejected events listed in an IngestEventsResponse.
  int max_rejected_listed = 1000;
  ValidationLimits validation;
  // The most events the writer commits in one transaction, gathering the
  // stream batches queued behind the one whose turn it is (group_commit.h).
  int64_t max_group_events = 20000;
};

// Thread-safe. Does not own its dependencies; they must outlive the server.
//
// IngestEvents is served as raw bytes: the reactor parses each message of
// the stream itself, so that a message that does not parse is answered
// INVALID_ARGUMENT instead of looking like the end of the stream. It
// parses and validates on `parsers` (when not null) rather than on gRPC's
// callback threads, which then stay free for health checks and cached
// scores while large messages are worked on.
//
// Every write goes through SubmitWrite (deferred_call.h): a full writer
// queue answers RESOURCE_EXHAUSTED with a retry hint, a caller gone before
// its write started gets DEADLINE_EXCEEDED or CANCELLED with nothing
// written.
class ActivityServiceImpl final
    : public v1::ActivityService::WithRawCallbackMethod_IngestEvents<
          v1::ActivityService::CallbackService> {
 public:
  ActivityServiceImpl(store::Store* store, const Access* access,
                      SerialExecutor* writer, const Clock* clock,
                      IngestObserver* observer,
                      store::MemberChangeListener* listener,
                      ActivityServiceOptions options,
                      WorkerPool* parsers = nullptr);

  grpc::ServerUnaryReactor* UpsertMember(
      grpc::CallbackServerContext* context,
      const v1::UpsertMemberRequest* request,
      v1::UpsertMemberResponse* response) override;
  grpc::ServerUnaryReactor* GetMember(grpc::CallbackServerContext* context,
                                      const v1::GetMemberRequest* request,
                                      v1::GetMemberResponse* response) override;
  grpc::ServerUnaryReactor* ListMembers(
      grpc::CallbackServerContext* context,
      const v1::ListMembersRequest* request,
      v1::ListMembersResponse* response) override;
  grpc::ServerUnaryReactor* DeleteMember(
      grpc::CallbackServerContext* context,
      const v1::DeleteMemberRequest* request,
      v1::DeleteMemberResponse* response) override;
  // One batch of the IngestEvents path (ingest_batch.h), in one call.
  grpc::ServerUnaryReactor* WriteEvents(
      grpc::CallbackServerContext* context,
      const v1::WriteEventsRequest* request,
      v1::WriteEventsResponse* response) override;
  // The UpsertMember path for many members, stored in one transaction.
  grpc::ServerUnaryReactor* BatchUpsertMembers(
      grpc::CallbackServerContext* context,
      const v1::BatchUpsertMembersRequest* request,
      v1::BatchUpsertMembersResponse* response) override;
  // `response` receives a serialized v1::IngestEventsResponse.
  grpc::ServerReadReactor<grpc::ByteBuffer>* IngestEvents(
      grpc::CallbackServerContext* context,
      grpc::ByteBuffer* response) override;

 private:
  // Writes go through the writer thread and finish their reactor there;
  // reads are answered on the calling thread.
  absl::Status DoGetMember(const grpc::CallbackServerContext& context,
                           const v1::GetMemberRequest& request,
                           v1::GetMemberResponse* response);
  absl::Status DoListMembers(const grpc::CallbackServerContext& context,
                             const v1::ListMembersRequest& request,
                             v1::ListMembersResponse* response);

  store::Store* const store_;
  const Access* const access_;
  SerialExecutor* const writer_;
  const Clock* const clock_;
  IngestObserver* const observer_;
  store::MemberChangeListener* const listener_;
  const ActivityServiceOptions options_;
  WorkerPool* const parsers_;
  GroupCommit group_;
  // Messages of 1 MiB or more are large: after a burst of them the heap is
  // trimmed (on the writer thread, once the last one is committed).
  BurstTrimmer trimmer_{size_t{1} << 20};
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_ACTIVITY_SERVICE_H_
