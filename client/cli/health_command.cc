#include "client/cli/health_command.h"

#include <memory>

#include "client/cli/json.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace rapport::cli {

namespace {

using grpc::health::v1::HealthCheckResponse;

int ExitStatusOf(HealthCheckResponse::ServingStatus status) {
  return status == HealthCheckResponse::SERVING ? kHealthServing
                                                : kHealthNotServing;
}

void Print(Env& env, const HealthCheckResponse& response) {
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
  } else {
    env.io.out << HealthCheckResponse::ServingStatus_Name(response.status())
               << "\n";
  }
}

}  // namespace

int RunHealth(Env& env, const HealthOptions& options) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(options.service);
  HealthCheckResponse response;
  std::unique_ptr<grpc::ClientContext> context = env.client.NewContext();
  const grpc::Status status =
      env.client.health().Check(context.get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    // How gRPC's health service answers for a service it does not know.
    response.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
  } else if (!status.ok()) {
    PrintError(FromGrpc(status), env.io.err);
    return kHealthNoAnswer;
  }
  Print(env, response);
  return ExitStatusOf(response.status());
}

}  // namespace rapport::cli
