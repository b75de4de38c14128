#include "client/cli/client.h"

#include <chrono>
#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "server/transport/tls.h"

namespace rapport::cli {

absl::StatusOr<std::string> ReadApiKey(const std::string& file,
                                       const char* env_value) {
  if (file.empty()) {
    return std::string(
        absl::StripAsciiWhitespace(env_value == nullptr ? "" : env_value));
  }
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::NotFoundError(
        absl::StrCat("--api_key_file: cannot read \"", file, "\""));
  }
  std::string key(absl::StripAsciiWhitespace(line));
  if (key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api_key_file: the first line of \"", file, "\" is empty"));
  }
  return key;
}

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(
    const ClientOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  if (!options.tls_ca_file.empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls =
        transport::GrpcChannelCredentials(
            options.tls_ca_file, options.tls_cert_file, options.tls_key_file);
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
  } else if (!options.tls_cert_file.empty() || !options.tls_key_file.empty() ||
             !options.tls_server_name.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file, --tls_key_file and --tls_server_name need "
        "--tls_ca_file");
  }
  return std::make_unique<Client>(
      grpc::CreateCustomChannel(options.server, credentials, args),
      options.timeout, options.api_key);
}

Client::Client(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
               std::string api_key)
    : timeout_(timeout),
      api_key_(std::move(api_key)),
      activity_(rapport::v1::ActivityService::NewStub(channel)),
      admin_(rapport::v1::AdminService::NewStub(channel)),
      scoring_(rapport::v1::ScoringService::NewStub(channel)),
      outreach_(rapport::v1::OutreachService::NewStub(channel)),
      recommendation_(rapport::v1::RecommendationService::NewStub(channel)),
      goals_(rapport::v1::GoalService::NewStub(channel)),
      validation_(rapport::v1::ValidationService::NewStub(channel)),
      health_(grpc::health::v1::Health::NewStub(channel)) {}

std::unique_ptr<grpc::ClientContext> Client::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (timeout_ > absl::ZeroDuration() && timeout_ != absl::InfiniteDuration()) {
    context->set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(timeout_));
  }
  if (!api_key_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", api_key_));
  }
  return context;
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace rapport::cli
