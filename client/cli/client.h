// The CLI's connection to rapportd: one channel, a stub per service, and the
// deadline every call gets. grpc::Status is converted to absl::Status here
// and nowhere else.
#ifndef RAPPORT_CLIENT_CLI_CLIENT_H_
#define RAPPORT_CLIENT_CLI_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"

namespace rapport::cli {

struct ClientOptions {
  // host:port of rapportd.
  std::string server = "127.0.0.1:50051";
  // Deadline of each call (of each stream, for ingestion); zero or infinite
  // for none.
  absl::Duration timeout = absl::Seconds(30);
};

// Thread-compatible: the stubs are thread-safe, the object is not mutated.
class Client {
 public:
  // An insecure channel to options.server; connects lazily, so an
  // unreachable server shows up as UNAVAILABLE on the first call.
  static std::unique_ptr<Client> Connect(const ClientOptions& options);
  // Over an existing channel (tests use an in-process one).
  Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

  // A fresh context carrying the deadline.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  rapport::v1::ActivityService::StubInterface& activity() { return *activity_; }
  rapport::v1::ScoringService::StubInterface& scoring() { return *scoring_; }
  rapport::v1::OutreachService::StubInterface& outreach() { return *outreach_; }
  rapport::v1::RecommendationService::StubInterface& recommendation() {
    return *recommendation_;
  }

 private:
  absl::Duration timeout_;
  std::unique_ptr<rapport::v1::ActivityService::StubInterface> activity_;
  std::unique_ptr<rapport::v1::ScoringService::StubInterface> scoring_;
  std::unique_ptr<rapport::v1::OutreachService::StubInterface> outreach_;
  std::unique_ptr<rapport::v1::RecommendationService::StubInterface>
      recommendation_;
};

// The same code and message (gRPC's codes are absl's codes).
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_CLIENT_H_
