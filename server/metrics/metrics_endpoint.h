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
// With TLS options the port speaks HTTPS only: the certificate follows its
// files (a rotated certificate serves new connections without a restart)
// and client certificates are asked for as the options say. A gate, when
// set, decides who may read "/" and "/metrics".
//
// Thread-safe: RegisterCollectable, SetPageHandler, SetGate and
// SetTenantFamilies may be called while requests are served.
#ifndef RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
#define RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "server/auth/principal.h"
#include "server/transport/tls.h"

class CivetServer;
struct mg_connection;

namespace rapport::transport {
class TlsFront;
}  // namespace rapport::transport

namespace rapport::metrics {

// A request for the page at "/".
struct PageRequest {
  // The `team` query parameter, URL-decoded; empty for the whole tenant.
  std::string team;
  // Who asks, as the gate admitted them; nullopt without a gate.
  std::optional<auth::Principal> viewer;
};

struct MetricsEndpointOptions {
  // "HOST:PORT", IPv4 or [IPv6] literal or localhost; port 0 picks a free
  // port.
  std::string listen;
  // HTTPS when tls.enabled().
  transport::TlsOptions tls;
  // The tenant of the tenant-scoped families when no gate is set.
  std::string default_tenant = "default";
};

// A request to "/" or "/metrics", as the gate sees it.
struct HttpCaller {
  // "IP:PORT" (or "[IPv6]:PORT") of the client.
  std::string remote_address;
  std::string path;
  // Every request header, names lower-cased, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  // Whether the request came over TLS.
  bool tls = false;
  // The client certificate in PEM, verified against --tls_client_ca_file;
  // empty when none was presented (or TLS is off).
  std::string peer_cert_pem;
};

// Decides who a caller is: the principal to serve, UNAUTHENTICATED (answered
// 401 with `WWW-Authenticate: Bearer realm="rapport"` and no reason),
// PERMISSION_DENIED (403 with the status message, which must therefore not
// hold internals) or another error (500 with only the code's name). Called
// on the endpoint's threads, possibly several at once.
using HttpGate =
    std::function<absl::StatusOr<auth::Principal>(const HttpCaller& caller)>;

// The metric families of one tenant, added to each scrape.
using TenantFamilies = std::function<std::vector<prometheus::MetricFamily>(
    const std::string& tenant)>;

// Renders the page for a request: the HTML, NOT_FOUND (answered with a 404
// page showing the status message, so it must not hold internals) or any
// other error (answered 500 with only the code's name). Called on the
// endpoint's threads, possibly several at once.
using PageHandler =
    std::function<absl::StatusOr<std::string>(const PageRequest& request)>;

class MetricsEndpoint {
 public:
  // Listens on options.listen (with TLS when options.tls.enabled()) and
  // serves `registry`. Registers its own histogram,
  // rapport_metrics_scrape_duration_seconds, in `registry`. UNAVAILABLE when
  // the address cannot be bound (in use, or not a local address);
  // INVALID_ARGUMENT or NOT_FOUND from the TLS files (see
  // transport::CheckTlsFiles).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const MetricsEndpointOptions& options,
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

  // From now on every GET and HEAD of "/" and "/metrics" asks `gate` first
  // (see HttpGate); a null gate serves everyone again.
  void SetGate(HttpGate gate);

  // Adds `families(tenant)` to every later scrape, after the process-wide
  // families: the tenant is the gate's principal's, or
  // options.default_tenant without a gate. Null removes them.
  void SetTenantFamilies(TenantFamilies families);

  // The families of one scrape: the registry's, then each live
  // collectable's, in registration order, then the tenant's.
  std::vector<prometheus::MetricFamily> Collect(const std::string& tenant);
  // Collect(options.default_tenant).
  std::vector<prometheus::MetricFamily> Collect();

 private:
  class Handler;  // Serves the requests; reads the members below.

  MetricsEndpoint(const MetricsEndpointOptions& options,
                  std::shared_ptr<prometheus::Registry> registry,
                  prometheus::Histogram& scrape_seconds);
  // The page handler, or null when none is set.
  std::shared_ptr<const PageHandler> page_handler() const;
  std::shared_ptr<const HttpGate> gate() const;
  std::shared_ptr<const TenantFamilies> tenant_families() const;
  // The caller of a request; nullopt when TLS is on and the connection did
  // not come through the TLS front.
  std::optional<HttpCaller> CallerOf(mg_connection* conn) const;

  const std::string default_tenant_;
  const std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Histogram& scrape_seconds_;
  mutable absl::Mutex mu_;
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_
      ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const PageHandler> page_handler_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const HttpGate> gate_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const TenantFamilies> tenant_families_ ABSL_GUARDED_BY(mu_);
  // Declared last: destroyed (stopping the threads that use the members
  // above) first.
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<CivetServer> server_;
  // With TLS: the public port, relaying to server_ on loopback. Reset after
  // server_, whose handlers ask it for the peers.
  std::unique_ptr<transport::TlsFront> tls_front_;
  int port_ = 0;
};

}  // namespace rapport::metrics

#endif  // RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
