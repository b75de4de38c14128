// `rapport health`: grpc.health.v1.Health/Check, for people and for probes
// (a Kubernetes exec probe, a container HEALTHCHECK, a load balancer's
// script). It prints the status and says it again in its exit status, so a
// probe needs nothing but the exit code.
#ifndef RAPPORT_CLIENT_CLI_HEALTH_COMMAND_H_
#define RAPPORT_CLIENT_CLI_HEALTH_COMMAND_H_

#include <string>

#include "absl/time/time.h"
#include "client/cli/env.h"

namespace rapport::cli {

// The exit statuses of `rapport health`.
inline constexpr int kHealthServing = 0;
// NOT_SERVING, SERVICE_UNKNOWN (the server does not know --service, or
// says so) or a status this client does not know.
inline constexpr int kHealthNotServing = 1;
// No answer: the server cannot be reached, the deadline passed, TLS failed,
// or the call failed otherwise.
inline constexpr int kHealthNoAnswer = 2;

// The deadline of the check when --timeout is not given: short, so that a
// probe's own timeout never fires first.
inline constexpr absl::Duration kHealthDefaultTimeout = absl::Seconds(2);

struct HealthOptions {
  // The service checked; empty for the server as a whole.
  std::string service;
};

// Calls Health/Check with env.client's deadline and credentials and prints
// the status name (SERVING, NOT_SERVING, SERVICE_UNKNOWN), or with env.json
// the response as JSON ({"status":"SERVING"}), on env.io.out. The server's
// NOT_FOUND (a service it does not know) prints SERVICE_UNKNOWN. Any other
// failure prints "error: <CODE>: <message>" on env.io.err. Returns one of
// the exit statuses above.
int RunHealth(Env& env, const HealthOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_HEALTH_COMMAND_H_
