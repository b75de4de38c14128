// MetricsEndpoint: rapportd's HTTP server on --metrics_listen (civetweb):
//
//   GET /metrics       every metric of the registry and of the registered
//                      collectables, in the Prometheus text format (0.0.4),
//                      gzip-compressed when the request accepts gzip
//   GET /, /?team=N    the page of the page handler (the leaderboard), HTML,
//                      also gzip-compressed when accepted
//
//   PREFIX...          every request (any method) whose path starts with a
//                      prefix added with AddRoute, to that route's handler
//
// HEAD is answered like GET without the body; other methods get 405, other
// paths 404. Requests are served by a fixed pool of options.threads
// threads, shared by scrapes, the page and the routes, so a slow request
// never starves the gRPC port. Connections are kept alive (HTTP/1.1) for up
// to a second between requests, holding their thread meanwhile; a response
// that leaves bytes of its request's body unread closes its connection.
//
// With TLS options the port speaks HTTPS only: the certificate follows its
// files (a rotated certificate serves new connections without a restart)
// and client certificates are asked for as the options say. A gate, when
// set, decides who may read "/" and "/metrics"; routes authenticate their
// requests themselves (HttpExchange::caller()).
//
// Thread-safe: RegisterCollectable, SetPageHandler, SetGate,
// SetTenantFamilies and AddRoute may be called while requests are served.
#ifndef RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_
#define RAPPORT_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // The threads serving requests; each holds one connection at a time.
  int threads = 8;
  // Every request is answered 503 ("starting", Retry-After: 1) until
  // Open(): its owner sets the gate, routes and handlers first, so that no
  // request is served without its gate or finds a route missing (404).
  bool wait_for_open = false;
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

// One request to a route (see MetricsEndpoint::AddRoute), served on one of
// the endpoint's threads. Not thread-safe; valid during the handler's call.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;

  // Who sent the request (path and headers included).
  virtual const HttpCaller& caller() const = 0;
  // "GET", "POST", ...
  virtual absl::string_view method() const = 0;
  // The raw query string after '?', still URL-encoded; empty without one.
  virtual absl::string_view query() const = 0;
  // The value of the first header `name` (lower-case), nullopt without one.
  std::optional<absl::string_view> header(absl::string_view name) const;
  // Reads up to `size` bytes of the request body (Content-Length or
  // chunked) into `buffer`: the count read, 0 at the end of the body, -1
  // when the connection fails or times out.
  virtual int64_t Read(char* buffer, size_t size) = 0;
  // Sends the response: the status line, Content-Type, Content-Length,
  // `headers` ("Name: value\r\n" lines) and `body`. Call at most once;
  // without a call the request is answered 500.
  virtual void Respond(int status, absl::string_view content_type,
                       absl::string_view headers, absl::string_view body) = 0;
};

// Serves every request of a route. Called on the endpoint's threads,
// possibly several at once; must not throw.
using RouteHandler = std::function<void(HttpExchange& exchange)>;

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

  // Serves requests from now on (see MetricsEndpointOptions::wait_for_open;
  // without it the endpoint serves from the start).
  void Open();

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

  // Serves every request whose path starts with `prefix` (for example
  // "/rapport.v1.") with `handler` from now on, whatever its method. With
  // TLS, a request that did not come through the TLS front is refused (403)
  // before the handler sees it. A later route with the same prefix
  // replaces the earlier one.
  void AddRoute(std::string prefix, RouteHandler handler);

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
  // The handler of the route `path` falls under; null when none.
  std::shared_ptr<const RouteHandler> RouteOf(absl::string_view path) const;
  // The caller of a request; nullopt when TLS is on and the connection did
  // not come through the TLS front.
  std::optional<HttpCaller> CallerOf(mg_connection* conn) const;

  std::atomic<bool> open_;
  const std::string default_tenant_;
  const std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Histogram& scrape_seconds_;
  mutable absl::Mutex mu_;
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_
      ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const PageHandler> page_handler_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const HttpGate> gate_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const TenantFamilies> tenant_families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, std::shared_ptr<const RouteHandler>>>
      routes_ ABSL_GUARDED_BY(mu_);
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
