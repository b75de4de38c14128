#include "server/metrics/http_request.h"

#include <CivetServer.h>

#include "server/metrics/metrics_endpoint.h"

namespace rapport::metrics {

bool IsEndpointPath(absl::string_view path) {
  return path == "/" || path == "/metrics";
}

int PreflightStatus(absl::string_view method, absl::string_view path) {
  if (method == "GET" || method == "HEAD") return 0;
  return IsEndpointPath(path) ? 405 : 404;
}

std::string PageTeamOfQuery(absl::string_view query) {
  std::string team;
  if (!query.empty()) {
    CivetServer::getParam(query.data(), query.size(), "team", team);
  }
  return team;
}

std::optional<absl::string_view> HttpExchange::header(
    absl::string_view name) const {
  for (const auto& [key, value] : caller().headers) {
    if (key == name) return absl::string_view(value);
  }
  return std::nullopt;
}

}  // namespace rapport::metrics
