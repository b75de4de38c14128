#include "client/cli/client.h"

#include <chrono>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace rapport::cli {

std::unique_ptr<Client> Client::Connect(const ClientOptions& options) {
  return std::make_unique<Client>(
      grpc::CreateChannel(options.server, grpc::InsecureChannelCredentials()),
      options.timeout);
}

Client::Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : timeout_(timeout),
      activity_(rapport::v1::ActivityService::NewStub(channel)),
      scoring_(rapport::v1::ScoringService::NewStub(channel)),
      outreach_(rapport::v1::OutreachService::NewStub(channel)),
      recommendation_(rapport::v1::RecommendationService::NewStub(channel)) {}

std::unique_ptr<grpc::ClientContext> Client::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (timeout_ > absl::ZeroDuration() && timeout_ != absl::InfiniteDuration()) {
    context->set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(timeout_));
  }
  return context;
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace rapport::cli
