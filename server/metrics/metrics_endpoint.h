// The HTTP endpoint that serves /metrics (prometheus-cpp's Exposer), and the
// registry every Rapport metric is registered in once at start-up.
#ifndef RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
#define RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace rapport::metrics {

class MetricsEndpoint {
 public:
  // Listens on `listen` ("HOST:PORT"). UNAVAILABLE when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen,
      std::shared_ptr<prometheus::Registry> registry);

  // The port actually bound (useful with port 0).
  int port() const;

 private:
  explicit MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer)
      : exposer_(std::move(exposer)) {}
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
