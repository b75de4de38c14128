// An in-memory ActivityService for the CLI's tests: remembers members and
// event ids, rejects events whose event_id starts with "bad", and records the
// batch sizes of every stream.
#ifndef RAPPORT_TESTS_UNIT_DEMO_CLI_FAKE_ACTIVITY_SERVICE_H_
#define RAPPORT_TESTS_UNIT_DEMO_CLI_FAKE_ACTIVITY_SERVICE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "client/cli/client.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "rapport/v1/activity.grpc.pb.h"

namespace rapport::cli::testing {

class FakeActivityService final : public v1::ActivityService::Service {
 public:
  // A batch larger than this fails the stream with INVALID_ARGUMENT.
  int batch_limit = 1000;

  grpc::Status UpsertMember(grpc::ServerContext*,
                            const v1::UpsertMemberRequest* request,
                            v1::UpsertMemberResponse* response) override {
    absl::MutexLock lock(&mu_);
    response->set_created(
        members_.insert(request->member().member_id()).second);
    ++upserts_;
    *response->mutable_member() = request->member();
    return grpc::Status::OK;
  }

  // NOT_FOUND for a member never upserted.
  grpc::Status GetMember(grpc::ServerContext*,
                         const v1::GetMemberRequest* request,
                         v1::GetMemberResponse* response) override {
    absl::MutexLock lock(&mu_);
    if (!members_.contains(request->member_id())) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such member");
    }
    response->mutable_member()->set_member_id(request->member_id());
    return grpc::Status::OK;
  }

  grpc::Status IngestEvents(grpc::ServerContext*,
                            grpc::ServerReader<v1::IngestEventsRequest>* reader,
                            v1::IngestEventsResponse* response) override {
    v1::IngestEventsRequest batch;
    std::vector<int> sizes;
    while (reader->Read(&batch)) {
      if (batch.events_size() > batch_limit) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "events: more than the batch limit");
      }
      absl::MutexLock lock(&mu_);
      for (int i = 0; i < batch.events_size(); ++i) {
        const v1::Event& e = batch.events(i);
        if (absl::StartsWith(e.event_id(), "bad")) {
          v1::RejectedEvent* r = response->add_rejected();
          r->set_batch_index(static_cast<int>(sizes.size()));
          r->set_event_index(i);
          r->set_event_id(e.event_id());
          r->set_field("contact.contact_id");
          r->set_reason("required for this type");
          response->set_rejected_count(response->rejected_count() + 1);
        } else if (event_ids_.insert(e.event_id()).second) {
          response->set_accepted_count(response->accepted_count() + 1);
        } else {
          response->set_duplicate_count(response->duplicate_count() + 1);
        }
      }
      sizes.push_back(batch.events_size());
    }
    response->set_batch_count(static_cast<int>(sizes.size()));
    absl::MutexLock lock(&mu_);
    streams_.push_back(sizes);
    return grpc::Status::OK;
  }

  std::vector<std::vector<int>> streams() {
    absl::MutexLock lock(&mu_);
    return streams_;
  }
  size_t event_count() {
    absl::MutexLock lock(&mu_);
    return event_ids_.size();
  }
  size_t member_count() {
    absl::MutexLock lock(&mu_);
    return members_.size();
  }
  // UpsertMember calls so far.
  int upserts() {
    absl::MutexLock lock(&mu_);
    return upserts_;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> members_ ABSL_GUARDED_BY(mu_);
  int upserts_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<std::string> event_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<int>> streams_ ABSL_GUARDED_BY(mu_);
};

// The fake served in-process, with a Client over it.
struct FakeServer {
  FakeServer() {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    client = std::make_unique<Client>(
        server->InProcessChannel(grpc::ChannelArguments()), absl::Seconds(30));
  }
  ~FakeServer() { server->Shutdown(); }

  FakeActivityService service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Client> client;
};

}  // namespace rapport::cli::testing

#endif  // RAPPORT_TESTS_UNIT_DEMO_CLI_FAKE_ACTIVITY_SERVICE_H_
