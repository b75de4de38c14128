#include "server/metrics/metrics_endpoint.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <iterator>
#include <optional>
#include <utility>

#include "CivetServer.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "civetweb.h"
#include "prometheus/histogram.h"
#include "prometheus/text_serializer.h"
#include "server/metrics/gzip.h"
#include "server/metrics/http_request.h"
#include "server/transport/tls_front.h"
#include "server/web/html.h"

namespace rapport::metrics {
namespace {

// Each request holds one thread for its whole connection (keep-alive is
// off for that reason).
constexpr char kRequestTimeoutMs[] = "10000";
// How long an idle kept-alive connection holds its thread (one of
// --http_threads) waiting for the client's next request.
constexpr char kKeepAliveMs[] = "1000";
// zlib level 1. Measured on the 11 MB scrape of a 10,000-member tenant
// (90k series): 30 ms for 0.40 MB, against 60-90 ms for 0.28 MB at the
// default level 6; serializing takes 200 ms. The pages compress alike.
constexpr int kGzipLevel = 1;

constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kHtmlType[] = "text/html; charset=utf-8";
constexpr char kTextType[] = "text/plain; charset=utf-8";
// The page is self-contained: inline styles only, no scripts, no fetches.
constexpr char kPageHeaders[] =
    "Cache-Control: no-store\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n";

struct Response {
  int status = 200;
  const char* content_type = kTextType;
  std::string body;
  std::string headers;  // Extra "Name: value\r\n" lines.
};

// The connection stays open for the client's next request (HTTP/1.1
// keep-alive, for up to kKeepAliveMs idle) unless bytes of this request's
// body are left unread, which must not be taken for the next request.
absl::string_view ConnectionHeader(mg_connection* conn, bool body_read) {
  const mg_request_info* info = mg_get_request_info(conn);
  const bool no_body = info->content_length == 0 ||
                       (info->content_length < 0 &&
                        mg_get_header(conn, "Transfer-Encoding") == nullptr);
  return no_body || body_read ? absl::string_view()
                              : absl::string_view("Connection: close\r\n");
}

void Send(mg_connection* conn, const Response& response, bool head) {
  const std::string header =
      absl::StrCat("HTTP/1.1 ", response.status, " ",
                   mg_get_response_code_text(conn, response.status),
                   "\r\nContent-Type: ", response.content_type,
                   "\r\nContent-Length: ", response.body.size(), "\r\n",
                   response.headers, ConnectionHeader(conn, false), "\r\n");
  mg_write(conn, header.data(), header.size());
  if (!head && !response.body.empty()) {
    mg_write(conn, response.body.data(), response.body.size());
  }
}

// Compresses the body when the request accepts gzip (and zlib works).
void GzipIfAccepted(mg_connection* conn, Response* response) {
  response->headers += "Vary: Accept-Encoding\r\n";
  const char* accept_encoding = mg_get_header(conn, "Accept-Encoding");
  if (accept_encoding == nullptr || !AcceptsGzip(accept_encoding)) return;
  std::optional<std::string> compressed =
      GzipCompress(response->body, kGzipLevel);
  if (!compressed.has_value()) return;
  response->body = *std::move(compressed);
  response->headers += "Content-Encoding: gzip\r\n";
}

Response Text(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response NotFoundPage(absl::string_view message) {
  Response response;
  response.status = 404;
  response.content_type = kHtmlType;
  response.headers = kPageHeaders;
  response.body = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\"><title>Not found</title><style>body{font:15px/1.5 "
      "system-ui,sans-serif;margin:48px auto;max-width:40em;padding:0 16px;"
      "color:#1f2937}a{color:#2563eb}</style></head>\n<body><h1>Not "
      "found</h1><p>",
      web::HtmlEscape(message),
      "</p><p><a href=\"./\">\u2190 All teams</a></p></body></html>\n");
  return response;
}

// civetweb takes IPv4 and [IPv6] literals only.
std::string ListeningPorts(const std::string& listen) {
  constexpr absl::string_view kLocalhost = "localhost:";
  if (absl::StartsWith(listen, kLocalhost)) {
    return absl::StrCat("127.0.0.1:", listen.substr(kLocalhost.size()));
  }
  return listen;
}

// A route's request on a civetweb connection.
class CivetExchange final : public HttpExchange {
 public:
  CivetExchange(mg_connection* conn, HttpCaller caller)
      : conn_(conn), caller_(std::move(caller)) {}

  const HttpCaller& caller() const override { return caller_; }
  absl::string_view method() const override {
    return mg_get_request_info(conn_)->request_method;
  }
  absl::string_view query() const override {
    const char* query = mg_get_request_info(conn_)->query_string;
    return query == nullptr ? absl::string_view() : absl::string_view(query);
  }
  int64_t Read(char* buffer, size_t size) override {
    const int n = mg_read(conn_, buffer, size);
    if (n == 0 && size > 0) body_read_ = true;
    return n < 0 ? -1 : n;
  }
  void Respond(int status, absl::string_view content_type,
               absl::string_view headers, absl::string_view body) override {
    responded_ = true;
    const std::string head = absl::StrCat(
        "HTTP/1.1 ", status, " ", mg_get_response_code_text(conn_, status),
        "\r\nContent-Type: ", content_type, "\r\nContent-Length: ", body.size(),
        "\r\n", headers, ConnectionHeader(conn_, body_read_), "\r\n");
    mg_write(conn_, head.data(), head.size());
    if (!body.empty() && mg_get_request_info(conn_)->request_method !=
                             absl::string_view("HEAD")) {
      mg_write(conn_, body.data(), body.size());
    }
  }
  bool responded() const { return responded_; }

 private:
  mg_connection* const conn_;
  const HttpCaller caller_;
  bool responded_ = false;
  bool body_read_ = false;  // mg_read said the body ended.
};

}  // namespace

class MetricsEndpoint::Handler final : public CivetHandler {
 public:
  explicit Handler(MetricsEndpoint* endpoint) : endpoint_(endpoint) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    return Serve(conn, /*head=*/false);
  }
  bool handleHead(CivetServer*, mg_connection* conn) override {
    return Serve(conn, /*head=*/true);
  }

  // civetweb's begin_request callback: serves the routes (any method), and
  // answers every other method but GET and HEAD (405 on our paths, 404
  // elsewhere) before civetweb looks for a handler, since CivetHandler has
  // no hook for methods like PROPFIND.
  static int BeginRequest(mg_connection* conn) {
    const auto* server =
        static_cast<const CivetServer*>(mg_get_user_data(mg_get_context(conn)));
    const auto* endpoint =
        static_cast<const MetricsEndpoint*>(server->getUserContext());
    if (!endpoint->open_.load(std::memory_order_acquire)) {
      Response response = Text(503, "starting\n");
      response.headers = "Retry-After: 1\r\n";
      Send(conn, response,
           absl::string_view(mg_get_request_info(conn)->request_method) ==
               "HEAD");
      return 503;
    }
    if (std::shared_ptr<const RouteHandler> route =
            endpoint->RouteOf(PathOf(conn))) {
      return ServeRoute(*endpoint, *route, conn);
    }
    const int status = PreflightStatus(
        mg_get_request_info(conn)->request_method, PathOf(conn));
    if (status == 0) return 0;
    if (status == 404) {
      Send(conn, Text(404, "not found\n"), false);
      return 404;
    }
    Response response = Text(405, "method not allowed: use GET or HEAD\n");
    response.headers = "Allow: GET, HEAD\r\n";
    Send(conn, response, false);
    return 405;
  }

 private:
  // No exception may unwind into civetweb's C code.
  static int ServeRoute(const MetricsEndpoint& endpoint,
                        const RouteHandler& route, mg_connection* conn) {
    std::optional<HttpCaller> caller = endpoint.CallerOf(conn);
    if (!caller.has_value()) {
      Send(conn, Text(403, "use HTTPS\n"), false);
      return 403;
    }
    CivetExchange exchange(conn, *std::move(caller));
    try {
      route(exchange);
    } catch (const std::exception&) {
    }
    if (!exchange.responded()) {
      Send(conn, Text(500, "internal error\n"), false);
      return 500;
    }
    return 200;
  }

  static absl::string_view PathOf(mg_connection* conn) {
    const char* uri = mg_get_request_info(conn)->local_uri;
    return uri == nullptr ? absl::string_view() : absl::string_view(uri);
  }

  // No exception may unwind into civetweb's C code.
  bool Serve(mg_connection* conn, bool head) {
    const absl::string_view path = PathOf(conn);
    Response response;
    try {
      response = Route(conn, path);
    } catch (const std::exception&) {
      response = Text(500, "internal error\n");
    }
    Send(conn, response, head);
    return true;
  }

  Response Route(mg_connection* conn, absl::string_view path) {
    if (!IsEndpointPath(path)) return Text(404, "not found\n");
    std::optional<HttpCaller> caller = endpoint_->CallerOf(conn);
    // With TLS, a connection to the loopback port that did not come through
    // the TLS front skipped the handshake (and any client certificate).
    if (!caller.has_value()) return Text(403, "use HTTPS\n");
    std::optional<auth::Principal> viewer;
    if (std::shared_ptr<const HttpGate> gate = endpoint_->gate()) {
      absl::StatusOr<auth::Principal> principal = (*gate)(*caller);
      if (!principal.ok()) return Refusal(principal.status());
      viewer = *std::move(principal);
    }
    if (path == "/metrics") {
      return Metrics(conn, viewer.has_value() ? viewer->tenant
                                              : endpoint_->default_tenant_);
    }
    return Page(conn, std::move(viewer));
  }

  static Response Refusal(const absl::Status& status) {
    if (absl::IsUnauthenticated(status)) {
      Response response = Text(401, "authentication required\n");
      response.headers = "WWW-Authenticate: Bearer realm=\"rapport\"\r\n";
      return response;
    }
    if (absl::IsPermissionDenied(status)) {
      return Text(403, absl::StrCat(status.message(), "\n"));
    }
    return Text(500,
                absl::StrCat(absl::StatusCodeToString(status.code()), "\n"));
  }

  Response Metrics(mg_connection* conn, const std::string& tenant) {
    const auto start = std::chrono::steady_clock::now();
    Response response;
    response.content_type = kMetricsType;
    response.body =
        prometheus::TextSerializer().Serialize(endpoint_->Collect(tenant));
    GzipIfAccepted(conn, &response);
    endpoint_->scrape_seconds_.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    return response;
  }

  Response Page(mg_connection* conn, std::optional<auth::Principal> viewer) {
    std::shared_ptr<const PageHandler> handler = endpoint_->page_handler();
    if (handler == nullptr) return Text(404, "not found\n");
    PageRequest request;
    request.viewer = std::move(viewer);
    if (const char* query = mg_get_request_info(conn)->query_string) {
      request.team = PageTeamOfQuery(query);
    }
    absl::StatusOr<std::string> page = (*handler)(request);
    if (absl::IsNotFound(page.status())) {
      return NotFoundPage(page.status().message());
    }
    if (absl::IsPermissionDenied(page.status())) {
      return Text(403, absl::StrCat(page.status().message(), "\n"));
    }
    if (absl::IsUnavailable(page.status())) {
      // The scores are still being built (or the store is unavailable).
      Response busy =
          Text(503, "the page is not ready yet; retry in a few seconds\n");
      busy.headers = "Retry-After: 5\r\n";
      return busy;
    }
    if (!page.ok()) {
      return Text(
          500,
          absl::StrCat("the page is unavailable (",
                       absl::StatusCodeToString(page.status().code()), ")\n"));
    }
    Response response;
    response.content_type = kHtmlType;
    response.headers = kPageHeaders;
    response.body = *std::move(page);
    GzipIfAccepted(conn, &response);
    return response;
  }

  MetricsEndpoint* const endpoint_;
};

MetricsEndpoint::MetricsEndpoint(const MetricsEndpointOptions& options,
                                 std::shared_ptr<prometheus::Registry> registry,
                                 prometheus::Histogram& scrape_seconds)
    : open_(!options.wait_for_open),
      default_tenant_(options.default_tenant),
      registry_(std::move(registry)),
      scrape_seconds_(scrape_seconds) {}

MetricsEndpoint::~MetricsEndpoint() {
  server_.reset();  // Joins the threads that serve requests.
  tls_front_.reset();
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const MetricsEndpointOptions& options,
    std::shared_ptr<prometheus::Registry> registry) {
  const bool tls = options.tls.enabled();
  if (absl::Status files = transport::CheckTlsFiles(options.tls); !files.ok()) {
    return files;
  }
  prometheus::Histogram* scrape_seconds = nullptr;
  try {  // prometheus-cpp's builders throw on a clash of names.
    scrape_seconds =
        &prometheus::BuildHistogram()
             .Name("rapport_metrics_scrape_duration_seconds")
             .Help(
                 "Time to collect, serialize and compress one /metrics "
                 "response.")
             .Register(*registry)
             .Add({}, prometheus::Histogram::BucketBoundaries{
                          0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                          2.5, 5, 10});
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cannot register the scrape histogram: ", e.what()));
  }
  std::unique_ptr<MetricsEndpoint> endpoint(
      new MetricsEndpoint(options, std::move(registry), *scrape_seconds));
  endpoint->handler_ = std::make_unique<Handler>(endpoint.get());
  // With TLS, civetweb serves plaintext on loopback behind the TLS front.
  const std::string listening =
      tls ? std::string("127.0.0.1:0") : ListeningPorts(options.listen);
  // clang-format off
  const std::vector<std::string> civet_options = {
      "listening_ports",    listening,
      "num_threads",        absl::StrCat(std::max(1, options.threads)),
      "enable_keep_alive",  "yes",
      "keep_alive_timeout_ms", kKeepAliveMs,
      // A response goes out at once, not after the client's delayed ACK.
      "tcp_nodelay",        "1",
      "request_timeout_ms", kRequestTimeoutMs,
  };
  // clang-format on
  CivetCallbacks callbacks;
  callbacks.begin_request = &Handler::BeginRequest;
  try {  // civetweb reports a failed bind by throwing CivetException.
    endpoint->server_ = std::make_unique<CivetServer>(
        civet_options, &callbacks, static_cast<const void*>(endpoint.get()));
  } catch (const std::exception&) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", options.listen,
                     " (address in use or not valid)"));
  }
  endpoint->server_->addHandler("/", endpoint->handler_.get());
  endpoint->server_->addHandler("/metrics", endpoint->handler_.get());
  const std::vector<int> ports = endpoint->server_->getListeningPorts();
  endpoint->port_ = ports.empty() ? 0 : ports.front();
  if (tls) {
    absl::StatusOr<std::unique_ptr<transport::TlsFront>> front =
        transport::TlsFront::Start(options.listen, options.tls,
                                   endpoint->port_);
    if (!front.ok()) {
      if (absl::IsUnavailable(front.status())) {
        return absl::UnavailableError(
            absl::StrCat("cannot serve metrics on ", options.listen,
                         " (address in use or not valid)"));
      }
      return front.status();
    }
    endpoint->tls_front_ = *std::move(front);
    endpoint->port_ = endpoint->tls_front_->port();
  }
  return endpoint;
}

std::optional<HttpCaller> MetricsEndpoint::CallerOf(mg_connection* conn) const {
  const mg_request_info* info = mg_get_request_info(conn);
  HttpCaller caller;
  caller.path = info->local_uri == nullptr ? "" : info->local_uri;
  for (int i = 0; i < info->num_headers; ++i) {
    caller.headers.emplace_back(
        absl::AsciiStrToLower(info->http_headers[i].name),
        info->http_headers[i].value);
  }
  if (tls_front_ == nullptr) {
    caller.remote_address = absl::StrCat(
        absl::StrContains(info->remote_addr, ':') ? "[" : "", info->remote_addr,
        absl::StrContains(info->remote_addr, ':') ? "]" : "", ":",
        info->remote_port);
    return caller;
  }
  std::optional<transport::TlsPeer> peer =
      tls_front_->PeerOf(info->remote_port);
  if (!peer.has_value() ||
      absl::string_view(info->remote_addr) != "127.0.0.1") {
    return std::nullopt;
  }
  caller.tls = true;
  caller.remote_address = std::move(peer->remote_address);
  caller.peer_cert_pem = std::move(peer->cert_pem);
  return caller;
}

int MetricsEndpoint::port() const { return port_; }

void MetricsEndpoint::Open() { open_.store(true, std::memory_order_release); }

void MetricsEndpoint::RegisterCollectable(
    std::weak_ptr<prometheus::Collectable> collectable) {
  absl::MutexLock lock(&mu_);
  collectables_.push_back(std::move(collectable));
}

void MetricsEndpoint::SetPageHandler(PageHandler handler) {
  std::shared_ptr<const PageHandler> shared;
  if (handler) shared = std::make_shared<const PageHandler>(std::move(handler));
  absl::MutexLock lock(&mu_);
  page_handler_ = std::move(shared);
}

std::shared_ptr<const PageHandler> MetricsEndpoint::page_handler() const {
  absl::MutexLock lock(&mu_);
  return page_handler_;
}

void MetricsEndpoint::SetGate(HttpGate gate) {
  std::shared_ptr<const HttpGate> shared;
  if (gate) shared = std::make_shared<const HttpGate>(std::move(gate));
  absl::MutexLock lock(&mu_);
  gate_ = std::move(shared);
}

std::shared_ptr<const HttpGate> MetricsEndpoint::gate() const {
  absl::MutexLock lock(&mu_);
  return gate_;
}

void MetricsEndpoint::SetTenantFamilies(TenantFamilies families) {
  std::shared_ptr<const TenantFamilies> shared;
  if (families) {
    shared = std::make_shared<const TenantFamilies>(std::move(families));
  }
  absl::MutexLock lock(&mu_);
  tenant_families_ = std::move(shared);
}

std::shared_ptr<const TenantFamilies> MetricsEndpoint::tenant_families() const {
  absl::MutexLock lock(&mu_);
  return tenant_families_;
}

void MetricsEndpoint::AddRoute(std::string prefix, RouteHandler handler) {
  auto shared = std::make_shared<const RouteHandler>(std::move(handler));
  absl::MutexLock lock(&mu_);
  for (auto& [existing, route] : routes_) {
    if (existing == prefix) {
      route = std::move(shared);
      return;
    }
  }
  routes_.emplace_back(std::move(prefix), std::move(shared));
}

std::shared_ptr<const RouteHandler> MetricsEndpoint::RouteOf(
    absl::string_view path) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [prefix, route] : routes_) {
    if (absl::StartsWith(path, prefix)) return route;
  }
  return nullptr;
}

std::vector<prometheus::MetricFamily> MetricsEndpoint::Collect() {
  return Collect(default_tenant_);
}

std::vector<prometheus::MetricFamily> MetricsEndpoint::Collect(
    const std::string& tenant) {
  std::vector<std::shared_ptr<prometheus::Collectable>> live = {registry_};
  {
    absl::MutexLock lock(&mu_);
    for (const auto& weak : collectables_) {
      if (auto collectable = weak.lock())
        live.push_back(std::move(collectable));
    }
  }
  // Collected outside the lock: a collector may take a while.
  std::vector<prometheus::MetricFamily> families;
  for (const auto& collectable : live) {
    std::vector<prometheus::MetricFamily> more = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  if (std::shared_ptr<const TenantFamilies> of_tenant = tenant_families()) {
    std::vector<prometheus::MetricFamily> more = (*of_tenant)(tenant);
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  return families;
}

}  // namespace rapport::metrics
