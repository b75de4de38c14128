// MetricsEndpoint: rapportd's HTTP server on --metrics_listen (civetweb):
//
//   GET /metrics       every metric of the registry and of the registered
//                      collectables, in the Prometheus text format (0.0.4),
//                      gzip-compressed when the request accepts gzip
//   GET /, /?team=N    the page of the page handler (the leaderboard), HTML,
//                      also gzip-compressed when accepted
//
// HEAD is answered like GET without the body; other methods get 405, other
// paths 404. Requests are served by a small fixed pool of threads, so a
// slow scrape never starves the rest of the server.
//
// Thread-safe: RegisterCollectable and SetPageHandler may be called while
// requests are served.
#ifndef RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
#define RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

class CivetServer;

namespace rapport::metrics {

// A request for the page at "/".
struct PageRequest {
  // The `team` query parameter, URL-decoded; empty for the whole tenant.
  std::string team;
};

// Renders the page for a request: the HTML, NOT_FOUND (answered with a 404
// page showing the status message, so it must not hold internals) or any
// other error (answered 500 with only the code's name). Called on the
// endpoint's threads, possibly several at once.
using PageHandler =
    std::function<absl::StatusOr<std::string>(const PageRequest& request)>;

class MetricsEndpoint {
 public:
  // Listens on `listen` ("HOST:PORT", IPv4 or [IPv6]; port 0 picks a free
  // port) and serves `registry`. Registers its own histogram,
  // rapport_metrics_scrape_duration_seconds, in `registry`. UNAVAILABLE when
  // the address cannot be bound (in use, or not a local address).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen,
      std::shared_ptr<prometheus::Registry> registry);

  // Stops listening and waits for the requests being served.
  ~MetricsEndpoint();

  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port actually bound (useful with port 0).
  int port() const;

  // Adds a collectable to every later scrape, for as long as it lives (a
  // scrape after it is destroyed skips it).
  void RegisterCollectable(std::weak_ptr<prometheus::Collectable> collectable);

  // Serves "/" with `handler` from now on. Until it is set, "/" is 404.
  void SetPageHandler(PageHandler handler);

  // The families of one scrape: the registry's, then each live
  // collectable's, in registration order.
  std::vector<prometheus::MetricFamily> Collect();

 private:
  class Handler;  // Serves the requests; reads the members below.

  MetricsEndpoint(std::shared_ptr<prometheus::Registry> registry,
                  prometheus::Histogram& scrape_seconds);
  // The page handler, or null when none is set.
  std::shared_ptr<const PageHandler> page_handler() const;

  const std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Histogram& scrape_seconds_;
  mutable absl::Mutex mu_;
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_
      ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const PageHandler> page_handler_ ABSL_GUARDED_BY(mu_);
  // Declared last: destroyed (stopping the threads that use the members
  // above) first.
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
