// The CLI's connection to rapportd: one channel, a stub per service, and the
// deadline every call gets. grpc::Status is converted to absl::Status here
// and nowhere else.
#ifndef RAPPORT_CLIENT_CLI_CLIENT_H_
#define RAPPORT_CLIENT_CLI_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "rapport/v1/goal.grpc.pb.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "rapport/v1/validation.grpc.pb.h"

namespace rapport::cli {

struct ClientOptions {
  // host:port of rapportd.
  std::string server = "127.0.0.1:50051";
  // Deadline of each call (of each stream, for ingestion); zero or infinite
  // for none.
  absl::Duration timeout = absl::Seconds(30);
  // TLS when set: the CAs that rapportd's certificate must chain to.
  std::string tls_ca_file;
  // The client certificate and key for mutual TLS (both or neither).
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name checked against rapportd's certificate instead of the host of
  // `server`.
  std::string tls_server_name;
  // Sent as `authorization: Bearer <api_key>` on every call when set.
  std::string api_key;
};

// The API key: the first line, trimmed, of `file` when it is set, else
// `env_value` (RAPPORT_API_KEY) trimmed, else "". NOT_FOUND when the file
// cannot be read; INVALID_ARGUMENT naming --api_key_file when its first
// line is empty.
absl::StatusOr<std::string> ReadApiKey(const std::string& file,
                                       const char* env_value);

// Thread-compatible: the stubs are thread-safe, the object is not mutated.
class Client {
 public:
  // A channel to options.server, over TLS when options.tls_ca_file is set
  // (insecure otherwise); connects lazily, so an unreachable server shows up
  // as UNAVAILABLE on the first call. NOT_FOUND or INVALID_ARGUMENT naming
  // the flag when a TLS file cannot be used.
  static absl::StatusOr<std::unique_ptr<Client>> Connect(
      const ClientOptions& options);
  // Over an existing channel (tests use an in-process one).
  Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
         std::string api_key = "");

  // A fresh context carrying the deadline and the API key.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  rapport::v1::ActivityService::StubInterface& activity() { return *activity_; }
  rapport::v1::ScoringService::StubInterface& scoring() { return *scoring_; }
  rapport::v1::OutreachService::StubInterface& outreach() { return *outreach_; }
  rapport::v1::AdminService::StubInterface& admin() { return *admin_; }
  rapport::v1::RecommendationService::StubInterface& recommendation() {
    return *recommendation_;
  }
  rapport::v1::GoalService::StubInterface& goals() { return *goals_; }
  rapport::v1::ValidationService::StubInterface& validation() {
    return *validation_;
  }
  grpc::health::v1::Health::StubInterface& health() { return *health_; }

 private:
  absl::Duration timeout_;
  std::string api_key_;
  std::unique_ptr<rapport::v1::ActivityService::StubInterface> activity_;
  std::unique_ptr<rapport::v1::AdminService::StubInterface> admin_;
  std::unique_ptr<rapport::v1::ScoringService::StubInterface> scoring_;
  std::unique_ptr<rapport::v1::OutreachService::StubInterface> outreach_;
  std::unique_ptr<rapport::v1::RecommendationService::StubInterface>
      recommendation_;
  std::unique_ptr<rapport::v1::GoalService::StubInterface> goals_;
  std::unique_ptr<rapport::v1::ValidationService::StubInterface> validation_;
  std::unique_ptr<grpc::health::v1::Health::StubInterface> health_;
};

// The same code and message (gRPC's codes are absl's codes).
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_CLIENT_H_
