// The go-grpc-prometheus server metrics: label mapping, and exact values
// scraped from /metrics after real calls to a running server.
#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/metrics/grpc_server_metrics.h"
#include "tests/common/http_get.h"
#include "tests/common/prometheus_text.h"
#include "tests/integration/raw_call.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::grpc::experimental::ServerRpcInfo;
using ::testing::HasSubstr;
using Labels = std::map<std::string, std::string>;

// ---------------------------------------------------------------------------
// Label mapping, no server.

TEST(GrpcCodeNameTest, MatchesGoForEveryCode) {
  const std::vector<std::pair<grpc::StatusCode, std::string>> cases = {
      {grpc::StatusCode::OK, "OK"},
      {grpc::StatusCode::CANCELLED, "Canceled"},
      {grpc::StatusCode::UNKNOWN, "Unknown"},
      {grpc::StatusCode::INVALID_ARGUMENT, "InvalidArgument"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "DeadlineExceeded"},
      {grpc::StatusCode::NOT_FOUND, "NotFound"},
      {grpc::StatusCode::ALREADY_EXISTS, "AlreadyExists"},
      {grpc::StatusCode::PERMISSION_DENIED, "PermissionDenied"},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "ResourceExhausted"},
      {grpc::StatusCode::FAILED_PRECONDITION, "FailedPrecondition"},
      {grpc::StatusCode::ABORTED, "Aborted"},
      {grpc::StatusCode::OUT_OF_RANGE, "OutOfRange"},
      {grpc::StatusCode::UNIMPLEMENTED, "Unimplemented"},
      {grpc::StatusCode::INTERNAL, "Internal"},
      {grpc::StatusCode::UNAVAILABLE, "Unavailable"},
      {grpc::StatusCode::DATA_LOSS, "DataLoss"},
      {grpc::StatusCode::UNAUTHENTICATED, "Unauthenticated"},
  };
  for (const auto& [code, name] : cases) {
    EXPECT_EQ(metrics::GrpcCodeName(code), name) << static_cast<int>(code);
  }
  // Go's codes.Code is a uint32 and prints unknown values as Code(N).
  EXPECT_EQ(metrics::GrpcCodeName(static_cast<grpc::StatusCode>(17)),
            "Code(17)");
  EXPECT_EQ(metrics::GrpcCodeName(grpc::StatusCode::DO_NOT_USE),
            "Code(4294967295)");
}

TEST(GrpcTypeNameTest, MatchesGo) {
  EXPECT_EQ(metrics::GrpcTypeName(ServerRpcInfo::Type::UNARY), "unary");
  EXPECT_EQ(metrics::GrpcTypeName(ServerRpcInfo::Type::CLIENT_STREAMING),
            "client_stream");
  EXPECT_EQ(metrics::GrpcTypeName(ServerRpcInfo::Type::SERVER_STREAMING),
            "server_stream");
  EXPECT_EQ(metrics::GrpcTypeName(ServerRpcInfo::Type::BIDI_STREAMING),
            "bidi_stream");
}

TEST(SplitGrpcMethodTest, SplitsServiceAndMethod) {
  using Split = std::pair<absl::string_view, absl::string_view>;
  EXPECT_EQ(metrics::SplitGrpcMethod("/rapport.v1.ScoringService/GetScore"),
            Split("rapport.v1.ScoringService", "GetScore"));
  EXPECT_EQ(metrics::SplitGrpcMethod("/grpc.health.v1.Health/Check"),
            Split("grpc.health.v1.Health", "Check"));
  EXPECT_EQ(metrics::SplitGrpcMethod("Svc/M"), Split("Svc", "M"));
  EXPECT_EQ(metrics::SplitGrpcMethod("/NoMethod"), Split("unknown", "unknown"));
  EXPECT_EQ(metrics::SplitGrpcMethod(""), Split("unknown", "unknown"));
}

// The value of the one metric of `family` whose labels are exactly `labels`.
std::optional<double> Collected(prometheus::Registry& registry,
                                const std::string& family,
                                const Labels& labels) {
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      Labels got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got != labels) continue;
      if (f.type == prometheus::MetricType::Counter) return m.counter.value;
      if (f.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  return std::nullopt;
}

TEST(GrpcServerMetricsTest, OneSeriesPerMethodAndCodeWithDefaultBuckets) {
  prometheus::Registry registry;
  metrics::GrpcServerMetrics metrics(registry);
  metrics::GrpcServerMetrics::Method& a =
      metrics.ForMethod(ServerRpcInfo::Type::UNARY, "/p.S/M");
  EXPECT_EQ(&a, &metrics.ForMethod(ServerRpcInfo::Type::UNARY, "/p.S/M"));
  a.Started();
  a.Received();
  a.Handled(grpc::StatusCode::NOT_FOUND, absl::Milliseconds(3));
  a.Started();
  a.Received();
  a.Sent();
  a.Handled(grpc::StatusCode::OK, absl::Milliseconds(200));
  a.Started();
  a.Handled(grpc::StatusCode::OK, absl::Seconds(30));

  const Labels method = {
      {"grpc_type", "unary"}, {"grpc_service", "p.S"}, {"grpc_method", "M"}};
  auto with_code = [&](const std::string& code) {
    Labels l = method;
    l["grpc_code"] = code;
    return l;
  };
  EXPECT_EQ(Collected(registry, "grpc_server_started_total", method), 3);
  EXPECT_EQ(Collected(registry, "grpc_server_msg_received_total", method), 2);
  EXPECT_EQ(Collected(registry, "grpc_server_msg_sent_total", method), 1);
  EXPECT_EQ(Collected(registry, "grpc_server_handled_total", with_code("OK")),
            2);
  EXPECT_EQ(
      Collected(registry, "grpc_server_handled_total", with_code("NotFound")),
      1);
  EXPECT_EQ(
      Collected(registry, "grpc_server_handled_total", with_code("Internal")),
      std::nullopt);  // Codes appear on first use.

  int histograms = 0;
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != "grpc_server_handling_seconds") continue;
    ++histograms;
    ASSERT_EQ(f.metric.size(), 1u);
    const prometheus::ClientMetric::Histogram& h = f.metric[0].histogram;
    EXPECT_EQ(h.sample_count, 3u);
    EXPECT_DOUBLE_EQ(h.sample_sum, 30.203);
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;
    for (const auto& b : h.bucket) {
      bounds.push_back(b.upper_bound);
      cumulative.push_back(b.cumulative_count);
    }
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(bounds, (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                           0.5, 1, 2.5, 5, 10, inf}));
    EXPECT_EQ(cumulative,
              (std::vector<uint64_t>{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3}));
  }
  EXPECT_EQ(histograms, 1);
}

// HealthCheckResponse{status: SERVING}.
const std::string kServing("\x08\x01", 2);
// ServerReflectionRequest{list_services: ""}.
const std::string kListServices("\x3a\x00", 2);

class GrpcMetricsTest : public ServerTest {
 protected:
  void Customize(app::ServerOptions& options) override {
    options.metrics_listen = "127.0.0.1:0";
  }

  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NE(server_->metrics_port(), 0);
    scoring_ = v1::ScoringService::NewStub(channel_);
    generic_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  MetricsScrape MustScrape() {
    absl::StatusOr<HttpResponse> got =
        HttpGet("127.0.0.1", server_->metrics_port(), "/metrics");
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return {};
    EXPECT_EQ(got->status_code, 200);
    absl::StatusOr<MetricsScrape> scrape =
        ParseMetricsText(std::move(got->body));
    EXPECT_TRUE(scrape.ok()) << scrape.status();
    return scrape.ok() ? *std::move(scrape) : MetricsScrape{};
  }

  // Scrapes until `name{labels}` is `want` (calls that end asynchronously
  // on the server), for up to 10 s.
  MetricsScrape ScrapeUntil(const std::string& name, const Labels& labels,
                            double want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    MetricsScrape scrape = MustScrape();
    while (scrape.Find(name, labels) != want && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      scrape = MustScrape();
    }
    return scrape;
  }

  grpc::Status GetScore(const std::string& member) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(member);
    v1::GetScoreResponse resp;
    return scoring_->GetScore(&ctx, req, &resp);
  }

  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<grpc::GenericStub> generic_;
};

Labels Method(const std::string& type, const std::string& service,
              const std::string& method) {
  return {
      {"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
}

Labels WithCode(Labels labels, const std::string& code) {
  labels["grpc_code"] = code;
  return labels;
}

// Every started call was handled exactly once and timed exactly once.
void ExpectEveryStartedCallHandled(const MetricsScrape& scrape) {
  const std::vector<const MetricSample*> started =
      scrape.All("grpc_server_started_total");
  EXPECT_FALSE(started.empty());
  for (const MetricSample* s : started) {
    double handled = 0;
    for (const MetricSample* h : scrape.All("grpc_server_handled_total")) {
      Labels without_code = h->labels;
      without_code.erase("grpc_code");
      if (without_code == s->labels) handled += h->value;
    }
    const std::string where = ::testing::PrintToString(s->labels);
    EXPECT_EQ(handled, s->value) << where;
    EXPECT_EQ(scrape.Find("grpc_server_handling_seconds_count", s->labels),
              handled)
        << where;
    Labels inf = s->labels;
    inf["le"] = "+Inf";
    EXPECT_EQ(scrape.Find("grpc_server_handling_seconds_bucket", inf), handled)
        << where;
  }
}

TEST_F(GrpcMetricsTest, UnaryAndClientStreamCallsAreCountedExactly) {
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("m1", "t"), &upserted).ok());
  ASSERT_EQ(Upsert(MakeMember("m2", ""), &upserted).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  {
    grpc::ClientContext ctx;
    v1::GetMemberRequest req;
    req.set_member_id("nobody");
    v1::GetMemberResponse resp;
    ASSERT_EQ(activity_->GetMember(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  constexpr int kMessages = 3;
  std::vector<std::vector<v1::Event>> batches;
  for (int i = 0; i < kMessages; ++i) {
    batches.push_back(
        {MakeEvent(absl::StrCat("e", i), "m1", kTestNow - absl::Hours(i + 1))});
  }
  v1::IngestEventsResponse ingested;
  ASSERT_TRUE(Ingest(batches, &ingested).ok());
  // GetScore is a raw (ByteBuffer) callback method.
  ASSERT_TRUE(GetScore("m1").ok());
  ASSERT_EQ(GetScore("ghost").error_code(), grpc::StatusCode::NOT_FOUND);

  const MetricsScrape scrape = MustScrape();
  const Labels upsert =
      Method("unary", "rapport.v1.ActivityService", "UpsertMember");
  EXPECT_EQ(scrape.Find("grpc_server_started_total", upsert), 2);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(upsert, "OK")),
            1);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total",
                        WithCode(upsert, "InvalidArgument")),
            1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", upsert), 2);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", upsert), 1);

  const Labels get = Method("unary", "rapport.v1.ActivityService", "GetMember");
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(get, "NotFound")),
            1);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(get, "OK")),
            std::nullopt);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", get), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", get), 0);

  const Labels ingest =
      Method("client_stream", "rapport.v1.ActivityService", "IngestEvents");
  EXPECT_EQ(scrape.Find("grpc_server_started_total", ingest), 1);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(ingest, "OK")),
            1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", ingest), kMessages);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", ingest), 1);

  const Labels score = Method("unary", "rapport.v1.ScoringService", "GetScore");
  EXPECT_EQ(scrape.Find("grpc_server_started_total", score), 2);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(score, "OK")), 1);
  EXPECT_EQ(
      scrape.Find("grpc_server_handled_total", WithCode(score, "NotFound")), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", score), 2);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", score), 1);

  // Methods never called have no series.
  EXPECT_EQ(scrape.Find(
                "grpc_server_started_total",
                Method("unary", "rapport.v1.ActivityService", "DeleteMember")),
            std::nullopt);
  EXPECT_EQ(scrape.All("grpc_server_started_total").size(), 4u);
  ExpectEveryStartedCallHandled(scrape);
  // Real calls take time.
  EXPECT_GT(scrape.Find("grpc_server_handling_seconds_sum", ingest), 0);
}

TEST_F(GrpcMetricsTest, HealthAndReflectionAreCounted) {
  {
    RawCall check(*generic_, "/grpc.health.v1.Health/Check");
    ASSERT_TRUE(check.Write(""));
    ASSERT_TRUE(check.WritesDone());
    EXPECT_EQ(check.Read(), kServing);
    ASSERT_TRUE(check.Finish().ok());
  }
  const Labels watch_labels =
      Method("server_stream", "grpc.health.v1.Health", "Watch");
  {
    RawCall watch(*generic_, "/grpc.health.v1.Health/Watch");
    ASSERT_TRUE(watch.Write(""));
    ASSERT_TRUE(watch.WritesDone());
    EXPECT_EQ(watch.Read(), kServing);
    watch.Cancel();
    EXPECT_EQ(watch.Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  {
    RawCall reflect(
        *generic_,
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
    ASSERT_TRUE(reflect.Write(kListServices));
    std::optional<std::string> listed = reflect.Read();
    ASSERT_TRUE(listed.has_value());
    EXPECT_THAT(*listed, HasSubstr("rapport.v1.ScoringService"));
    ASSERT_TRUE(reflect.Write(kListServices));
    ASSERT_TRUE(reflect.Read().has_value());
    ASSERT_TRUE(reflect.WritesDone());
    EXPECT_EQ(reflect.Read(), std::nullopt);
    ASSERT_TRUE(reflect.Finish().ok());
  }

  // Watch ends on the server after the client has gone.
  const MetricsScrape scrape =
      ScrapeUntil("grpc_server_handling_seconds_count", watch_labels, 1);
  const Labels check = Method("unary", "grpc.health.v1.Health", "Check");
  EXPECT_EQ(scrape.Find("grpc_server_started_total", check), 1);
  EXPECT_EQ(scrape.Find("grpc_server_handled_total", WithCode(check, "OK")), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", check), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", check), 1);

  EXPECT_EQ(scrape.Find("grpc_server_started_total", watch_labels), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", watch_labels), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", watch_labels), 1);
  // gRPC's health service ends a cancelled Watch with UNKNOWN ("OnCancel()");
  // the client sees CANCELLED whatever the server sends.
  EXPECT_EQ(scrape.Find("grpc_server_handled_total",
                        WithCode(watch_labels, "Unknown")),
            1);

  const Labels reflection =
      Method("bidi_stream", "grpc.reflection.v1alpha.ServerReflection",
             "ServerReflectionInfo");
  EXPECT_EQ(scrape.Find("grpc_server_started_total", reflection), 1);
  EXPECT_EQ(
      scrape.Find("grpc_server_handled_total", WithCode(reflection, "OK")), 1);
  EXPECT_EQ(scrape.Find("grpc_server_msg_received_total", reflection), 2);
  EXPECT_EQ(scrape.Find("grpc_server_msg_sent_total", reflection), 2);
  ExpectEveryStartedCallHandled(scrape);
}

TEST_F(GrpcMetricsTest, UnimplementedMethodsCreateNoSeries) {
  for (const std::string method :
       {"/rapport.v1.ScoringService/NoSuchMethod", "/no.such.Service/Method"}) {
    RawCall call(*generic_, method);
    call.Write("");
    call.WritesDone();
    EXPECT_EQ(call.Read(), std::nullopt);
    EXPECT_EQ(call.Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << method;
  }
  // A registered method next to them, the only series expected.
  v1::UpsertMemberResponse upserted;
  ASSERT_EQ(Upsert(v1::Member(), &upserted).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const MetricsScrape scrape = MustScrape();
  EXPECT_THAT(scrape.body, ::testing::Not(HasSubstr("NoSuchMethod")));
  EXPECT_THAT(scrape.body, ::testing::Not(HasSubstr("no.such.Service")));
  const Labels upsert =
      Method("unary", "rapport.v1.ActivityService", "UpsertMember");
  EXPECT_EQ(scrape.Find("grpc_server_handled_total",
                        WithCode(upsert, "InvalidArgument")),
            1);
  EXPECT_EQ(scrape.All("grpc_server_started_total").size(), 1u);
  ExpectEveryStartedCallHandled(scrape);
}

TEST_F(GrpcMetricsTest, HelpAndTypeAreGoGrpcPrometheus) {
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("m1", "t"), &upserted).ok());
  const std::string body = MustScrape().body;
  EXPECT_THAT(body, HasSubstr("# HELP grpc_server_started_total Total number "
                              "of RPCs started on the server.\n"));
  EXPECT_THAT(body, HasSubstr("# HELP grpc_server_handled_total Total number "
                              "of RPCs completed on the server, regardless of "
                              "success or failure.\n"));
  EXPECT_THAT(body,
              HasSubstr("# HELP grpc_server_msg_received_total Total number "
                        "of RPC stream messages received on the server.\n"));
  EXPECT_THAT(body, HasSubstr("# HELP grpc_server_msg_sent_total Total number "
                              "of gRPC stream messages sent by the server.\n"));
  EXPECT_THAT(body,
              HasSubstr("# HELP grpc_server_handling_seconds Histogram of "
                        "response latency (seconds) of gRPC that had been "
                        "application-level handled by the server.\n"));
  EXPECT_THAT(body, HasSubstr("# TYPE grpc_server_started_total counter\n"));
  EXPECT_THAT(body, HasSubstr("# TYPE grpc_server_handled_total counter\n"));
  EXPECT_THAT(body,
              HasSubstr("# TYPE grpc_server_handling_seconds histogram\n"));
}

TEST_F(GrpcMetricsTest, PromtoolAcceptsTheScrape) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("m1", "t"), &upserted).ok());
  ASSERT_EQ(Upsert(MakeMember("m2", ""), &upserted).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::IngestEventsResponse ingested;
  ASSERT_TRUE(
      Ingest({{MakeEvent("e1", "m1", kTestNow - absl::Hours(1))}}, &ingested)
          .ok());
  const MetricsScrape scrape = MustScrape();
  ASSERT_THAT(scrape.body, HasSubstr("grpc_server_handled_total{"));
  const std::string path = dir_.File("metrics.txt");
  {
    std::ofstream out(path);
    out << scrape.body;
  }
  FILE* pipe = popen(
      absl::StrCat("promtool check metrics < ", path, " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) {
    output.append(buffer, n);
  }
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
}

}  // namespace
}  // namespace rapport::testing
