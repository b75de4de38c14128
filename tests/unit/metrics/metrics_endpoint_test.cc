// MetricsEndpoint over loopback on port 0: /metrics, the page, methods and
// paths, gzip.
#include "server/metrics/metrics_endpoint.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "tests/common/http_get.h"

namespace rapport::metrics {
namespace {

using ::rapport::testing::HttpGet;
using ::rapport::testing::HttpRequest;
using ::rapport::testing::HttpResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHost[] = "127.0.0.1";

MetricsEndpointOptions Listening(std::string listen) {
  MetricsEndpointOptions options;
  options.listen = std::move(listen);
  return options;
}

// A collectable with one gauge family, as the leaderboard collector is.
class FakeCollectable : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily family;
    family.name = "fake_leaderboard_members";
    family.help = "Members on a fake board.";
    family.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric metric;
    metric.label.push_back({"team", "north \"east\"\\"});
    metric.gauge.value = 12;
    family.metric.push_back(metric);
    return {family};
  }
};

bool IsNameChar(char c, bool first) {
  return absl::ascii_isalpha(c) || c == '_' || c == ':' ||
         (!first && absl::ascii_isdigit(c));
}

// Consumes a metric or label name from the front of `in`; "" when none.
std::string ConsumeName(absl::string_view* in) {
  size_t n = 0;
  while (n < in->size() && IsNameChar((*in)[n], n == 0)) ++n;
  std::string name(in->substr(0, n));
  in->remove_prefix(n);
  return name;
}

// Consumes `{name="value",...}` (with \\ \" \n escapes); false when malformed.
bool ConsumeLabels(absl::string_view* in) {
  if (!absl::ConsumePrefix(in, "{")) return true;  // No labels.
  while (!absl::ConsumePrefix(in, "}")) {
    if (ConsumeName(in).empty() || !absl::ConsumePrefix(in, "=\"")) {
      return false;
    }
    while (!in->empty() && in->front() != '"') {
      if (in->front() == '\\') {
        if (in->size() < 2 ||
            (in->at(1) != '\\' && in->at(1) != '"' && in->at(1) != 'n')) {
          return false;
        }
        in->remove_prefix(1);
      }
      in->remove_prefix(1);
    }
    if (!absl::ConsumePrefix(in, "\"")) return false;
    absl::ConsumePrefix(in, ",");
  }
  return true;
}

// Every line is blank, a # HELP or # TYPE comment, or a sample
// (name{labels} value [timestamp]) of a family declared by a # TYPE line
// before it; returns the first offending line, or "".
std::string FirstBadLine(const std::string& text) {
  std::set<std::string> families;
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (const std::string& line : lines) {
    absl::string_view in = line;
    if (in.empty() || absl::ConsumePrefix(&in, "# HELP ")) continue;
    if (absl::ConsumePrefix(&in, "# TYPE ")) {
      const std::string name = ConsumeName(&in);
      static const std::set<std::string> kTypes = {
          " counter", " gauge", " histogram", " summary", " untyped"};
      if (name.empty() || kTypes.count(std::string(in)) == 0) return line;
      families.insert(name);
      continue;
    }
    const std::string name = ConsumeName(&in);
    if (name.empty() || !ConsumeLabels(&in) || !absl::ConsumePrefix(&in, " ")) {
      return line;
    }
    const std::vector<std::string> rest = absl::StrSplit(in, ' ');
    double value = 0;
    int64_t timestamp = 0;
    if (rest.size() > 2 || !absl::SimpleAtod(rest[0], &value) ||
        (rest.size() == 2 && !absl::SimpleAtoi(rest[1], &timestamp))) {
      return line;
    }
    bool declared = families.count(name) > 0;
    for (absl::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (absl::EndsWith(name, suffix)) {
        declared |=
            families.count(name.substr(0, name.size() - suffix.size())) > 0;
      }
    }
    if (!declared) return line;
  }
  return "";
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "<inflateInit2 failed>";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : "<corrupt gzip>";
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter()
        .Name("rapport_test_events_total")
        .Help("Events.")
        .Register(*registry_)
        .Add({{"outcome", "accepted"}})
        .Increment(3);
    auto endpoint = MetricsEndpoint::Start(Listening("127.0.0.1:0"), registry_);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status();
    endpoint_ = *std::move(endpoint);
  }

  HttpResponse Get(const std::string& path,
                   const rapport::testing::HttpHeaders& headers = {}) {
    absl::StatusOr<HttpResponse> response =
        HttpGet(kHost, endpoint_->port(), path, headers);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : HttpResponse{};
  }

  HttpResponse Request(const std::string& method, const std::string& path) {
    absl::StatusOr<HttpResponse> response =
        HttpRequest(kHost, endpoint_->port(), method, path, {});
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : HttpResponse{};
  }

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

// The checker the tests below rely on catches what it should.
TEST(FirstBadLineTest, AcceptsTheFormatAndRejectsMalformedLines) {
  EXPECT_EQ(FirstBadLine("# HELP a_total A.\n# TYPE a_total counter\n"
                         "a_total{x=\"1\",y=\"q\\\"\"} 3\n"
                         "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\n"
                         "h_sum 0.5 1717200000000\nh_count 2\n"),
            "");
  EXPECT_EQ(FirstBadLine("undeclared 1\n"), "undeclared 1");
  EXPECT_EQ(FirstBadLine("# TYPE a gauge\na{x=\"1\" 1\n"), "a{x=\"1\" 1");
  EXPECT_EQ(FirstBadLine("# TYPE a gauge\na one\n"), "a one");
  EXPECT_EQ(FirstBadLine("# TYPE a widget\n"), "# TYPE a widget");
}

TEST_F(MetricsEndpointTest, PortZeroBindsAFreePortThatCannotBeTakenTwice) {
  ASSERT_GT(endpoint_->port(), 0);
  auto second = MetricsEndpoint::Start(
      Listening(absl::StrCat("127.0.0.1:", endpoint_->port())), registry_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  auto bad =
      MetricsEndpoint::Start(Listening("192.0.2.1:0"), registry_);  // Not ours.
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Get("/metrics").status_code, 200);  // Still serving.
}

TEST_F(MetricsEndpointTest, MetricsAreTheRegistryAndLiveCollectables) {
  auto collectable = std::make_shared<FakeCollectable>();
  endpoint_->RegisterCollectable(collectable);
  HttpResponse response = Get("/metrics");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.Header("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.Header("Content-Encoding"), "");
  EXPECT_EQ(response.Header("Content-Length"),
            std::to_string(response.body.size()));
  EXPECT_EQ(FirstBadLine(response.body), "");
  EXPECT_THAT(response.body,
              HasSubstr("rapport_test_events_total{outcome=\"accepted\"} 3"));
  EXPECT_THAT(response.body, HasSubstr("fake_leaderboard_members{team=\"north "
                                       "\\\"east\\\"\\\\\"} 12"));
  // The self metric counts the scrapes before this one.
  EXPECT_THAT(response.body,
              HasSubstr("# TYPE rapport_metrics_scrape_duration_seconds "
                        "histogram"));
  EXPECT_THAT(Get("/metrics").body,
              HasSubstr("rapport_metrics_scrape_duration_seconds_count 1"));

  collectable.reset();
  response = Get("/metrics");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_THAT(response.body, Not(HasSubstr("fake_leaderboard_members")));
  EXPECT_THAT(response.body, HasSubstr("rapport_test_events_total"));
}

TEST_F(MetricsEndpointTest, GzipWhenAccepted) {
  auto collectable = std::make_shared<FakeCollectable>();
  endpoint_->RegisterCollectable(collectable);
  HttpResponse zipped = Get("/metrics", {{"Accept-Encoding", "deflate, gzip"}});
  EXPECT_EQ(zipped.status_code, 200);
  EXPECT_EQ(zipped.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(zipped.Header("Content-Length"),
            std::to_string(zipped.body.size()));
  const std::string text = Gunzip(zipped.body);
  EXPECT_EQ(FirstBadLine(text), "");
  EXPECT_THAT(text, HasSubstr("fake_leaderboard_members"));
  EXPECT_THAT(text, HasSubstr("rapport_test_events_total"));

  for (const char* refused : {"gzip;q=0", "identity", "br"}) {
    HttpResponse plain = Get("/metrics", {{"Accept-Encoding", refused}});
    EXPECT_EQ(plain.Header("Content-Encoding"), "") << refused;
    EXPECT_THAT(plain.body, HasSubstr("rapport_test_events_total")) << refused;
  }
}

TEST_F(MetricsEndpointTest, UnknownPathsAre404AndOtherMethods405) {
  EXPECT_EQ(Get("/nope").status_code, 404);
  EXPECT_EQ(Get("/metrics/x").status_code, 404);
  EXPECT_EQ(Get("/index.html").status_code, 404);
  for (const char* method :
       {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "CONNECT"}) {
    HttpResponse response = Request(method, "/metrics");
    EXPECT_EQ(response.status_code, 405) << method;
    EXPECT_EQ(response.Header("Allow"), "GET, HEAD") << method;
    EXPECT_EQ(Request(method, "/").status_code, 405) << method;
    EXPECT_EQ(Request(method, "/nope").status_code, 404) << method;
  }
}

TEST_F(MetricsEndpointTest, RoutesServeEveryMethodUnderTheirPrefix) {
  endpoint_->AddRoute("/api.", [](HttpExchange& exchange) {
    char byte;
    const int64_t read = exchange.Read(&byte, 1);  // No body: the end.
    exchange.Respond(
        201, "text/plain", "X-Route: one\r\n",
        absl::StrCat(exchange.method(), " ", exchange.caller().path, " ?",
                     exchange.query(), " read=", read, " host=",
                     exchange.header("host").has_value() ? "yes" : "no"));
  });
  for (const char* method : {"GET", "POST", "PUT", "PROPFIND"}) {
    HttpResponse response = Request(method, "/api.S/M?a=1");
    EXPECT_EQ(response.status_code, 201) << method;
    EXPECT_EQ(response.Header("X-Route"), "one");
    EXPECT_EQ(response.body,
              absl::StrCat(method, " /api.S/M ?a=1 read=0 host=yes"));
  }
  // Outside the prefix nothing changed.
  EXPECT_EQ(Request("POST", "/metrics").status_code, 405);
  EXPECT_EQ(Get("/api").status_code, 404);
  // A handler that does not answer gets a 500; a later route replaces it.
  endpoint_->AddRoute("/api.", [](HttpExchange&) {});
  EXPECT_EQ(Request("POST", "/api.S/M").status_code, 500);
}

TEST_F(MetricsEndpointTest, PageIs404UntilAHandlerIsSet) {
  EXPECT_EQ(Get("/").status_code, 404);
  endpoint_->SetPageHandler([](const PageRequest& request) {
    return absl::StrCat("<p>team=[", request.team, "]</p>");
  });
  HttpResponse response = Get("/");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.body, "<p>team=[]</p>");
  EXPECT_EQ(response.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(response.Header("Content-Security-Policy"),
              HasSubstr("default-src 'none'"));
  EXPECT_EQ(response.Header("Cache-Control"), "no-store");
  EXPECT_EQ(Get("/?team=North%20East&x=1").body, "<p>team=[North East]</p>");
  EXPECT_EQ(Get("/?team=a+b%26c").body, "<p>team=[a b&c]</p>");
  HttpResponse zipped = Get("/?team=z", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(zipped.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(Gunzip(zipped.body), "<p>team=[z]</p>");
}

TEST_F(MetricsEndpointTest, HeadHasTheHeadersWithoutTheBody) {
  endpoint_->SetPageHandler(
      [](const PageRequest&) { return std::string("<p>hello</p>"); });
  HttpResponse response = Request("HEAD", "/");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.Header("Content-Length"), "12");
  EXPECT_EQ(response.body, "");
  response = Request("HEAD", "/metrics");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(Request("HEAD", "/nope").status_code, 404);
}

TEST_F(MetricsEndpointTest, PageErrors) {
  endpoint_->SetPageHandler(
      [](const PageRequest& request) -> absl::StatusOr<std::string> {
        if (request.team == "gone") {
          return absl::NotFoundError("no team named \"<b>gone</b>\"");
        }
        return absl::InternalError("SELECT secret FROM members failed");
      });
  HttpResponse missing = Get("/?team=gone");
  EXPECT_EQ(missing.status_code, 404);
  EXPECT_EQ(missing.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(missing.body,
              HasSubstr("no team named &quot;&lt;b&gt;gone&lt;/b&gt;&quot;"));
  EXPECT_THAT(missing.body, Not(HasSubstr("<b>gone")));

  HttpResponse failed = Get("/");
  EXPECT_EQ(failed.status_code, 500);
  EXPECT_EQ(failed.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_THAT(failed.body, HasSubstr("INTERNAL"));
  EXPECT_THAT(failed.body, Not(HasSubstr("secret")));
}

TEST_F(MetricsEndpointTest, ASlowPageDoesNotHoldUpScrapes) {
  absl::Notification entered, release;
  endpoint_->SetPageHandler([&](const PageRequest&) {
    entered.Notify();
    release.WaitForNotificationWithTimeout(absl::Seconds(20));
    return std::string("slow");
  });
  std::thread page([&] {
    absl::StatusOr<HttpResponse> r = HttpGet(kHost, endpoint_->port(), "/");
    EXPECT_TRUE(r.ok() && r->body == "slow");
  });
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_EQ(Get("/metrics").status_code, 200);
  release.Notify();
  page.join();
}

// Until its owner opens it, an endpoint that waits for Open() answers every
// request 503 with Retry-After: no request is served before its gate and
// routes are set, and none finds a route missing.
TEST(MetricsEndpointOpenTest, EveryRequestIs503UntilOpened) {
  MetricsEndpointOptions options = Listening("127.0.0.1:0");
  options.wait_for_open = true;
  auto endpoint =
      MetricsEndpoint::Start(options, std::make_shared<prometheus::Registry>());
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const int port = (*endpoint)->port();
  (*endpoint)->AddRoute("/api.", [](HttpExchange& exchange) {
    exchange.Respond(200, "text/plain", "", "routed");
  });
  (*endpoint)->SetPageHandler(
      [](const PageRequest&) -> absl::StatusOr<std::string> { return "page"; });
  for (const char* method : {"GET", "HEAD", "POST", "PROPFIND"}) {
    for (const char* path : {"/metrics", "/", "/api.S/M", "/nowhere"}) {
      absl::StatusOr<HttpResponse> r =
          HttpRequest(kHost, port, method, path, {});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->status_code, 503) << method << " " << path;
      EXPECT_EQ(r->Header("Retry-After"), "1") << method << " " << path;
    }
  }
  (*endpoint)->Open();
  EXPECT_EQ(HttpGet(kHost, port, "/metrics")->status_code, 200);
  EXPECT_EQ(HttpGet(kHost, port, "/")->body, "page");
  EXPECT_EQ(HttpRequest(kHost, port, "POST", "/api.S/M", {})->body, "routed");
  EXPECT_EQ(HttpGet(kHost, port, "/nowhere")->status_code, 404);
}

TEST(MetricsEndpointStopTest, StopsListeningWhenDestroyed) {
  auto endpoint = MetricsEndpoint::Start(
      Listening("localhost:0"), std::make_shared<prometheus::Registry>());
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const int port = (*endpoint)->port();
  ASSERT_EQ(HttpGet(kHost, port, "/metrics")->status_code, 200);
  endpoint->reset();
  EXPECT_EQ(HttpGet(kHost, port, "/metrics").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rapport::metrics
