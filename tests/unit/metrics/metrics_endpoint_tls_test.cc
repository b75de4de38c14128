// MetricsEndpoint with TLS and a gate: HTTPS only, certificate rotation,
// client certificates, and who may read what.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "server/metrics/metrics_endpoint.h"
#include "tests/common/http_get.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_certs.h"
#include "tests/common/tls_client.h"

namespace rapport::metrics {
namespace {

using ::rapport::testing::CertFiles;
using ::rapport::testing::HttpGet;
using ::rapport::testing::HttpsGet;
using ::rapport::testing::ServedCertificateOf;
using ::rapport::testing::TestCa;
using ::rapport::testing::TestPki;
using ::rapport::testing::TlsClientOptions;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHost[] = "127.0.0.1";

class MetricsEndpointTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = TestPki::Create(dir_.path(), "first");
    ASSERT_TRUE(pki.ok()) << pki.status();
    ca_ = std::move(pki->ca);
    server_ = pki->server;
    client_ = pki->client;
  }

  std::unique_ptr<MetricsEndpoint> Start(
      transport::TlsOptions::ClientAuth client_auth =
          transport::TlsOptions::ClientAuth::kNone) {
    MetricsEndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.tls.cert_file = server_.cert;
    options.tls.key_file = server_.key;
    options.tls.client_auth = client_auth;
    if (client_auth != transport::TlsOptions::ClientAuth::kNone) {
      options.tls.client_ca_file = ca_->cert_file();
    }
    options.tls.refresh_interval = absl::Milliseconds(100);
    options.default_tenant = "acme";
    auto endpoint = MetricsEndpoint::Start(options, registry_);
    EXPECT_TRUE(endpoint.ok()) << endpoint.status();
    return endpoint.ok() ? *std::move(endpoint) : nullptr;
  }

  TlsClientOptions Trusting() const {
    return {.ca_file = ca_->cert_file(),
            .cert_file = "",
            .key_file = "",
            .offer_h2 = false};
  }
  TlsClientOptions WithClientCert() const {
    return {.ca_file = ca_->cert_file(),
            .cert_file = client_.cert,
            .key_file = client_.key,
            .offer_h2 = false};
  }

  testing::TempDir dir_;
  std::unique_ptr<TestCa> ca_;
  CertFiles server_;
  CertFiles client_;
  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
};

TEST_F(MetricsEndpointTlsTest, ServesMetricsOverTlsOnly) {
  auto endpoint = Start();
  ASSERT_NE(endpoint, nullptr);
  auto response = HttpsGet(kHost, endpoint->port(), "/metrics", Trusting());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status_code, 200);
  EXPECT_THAT(response->body,
              HasSubstr("rapport_metrics_scrape_duration_seconds"));
  // Plaintext HTTP on the TLS port gets no HTTP answer.
  auto plain = HttpGet(kHost, endpoint->port(), "/metrics");
  EXPECT_FALSE(plain.ok() && plain->status_code == 200);
}

TEST_F(MetricsEndpointTlsTest, AClientThatDoesNotTrustTheCaFails) {
  auto endpoint = Start();
  ASSERT_NE(endpoint, nullptr);
  absl::StatusOr<TestCa> other = TestCa::Create(dir_.path(), "other");
  ASSERT_TRUE(other.ok()) << other.status();
  auto response = HttpsGet(kHost, endpoint->port(), "/metrics",
                           {.ca_file = other->cert_file(),
                            .cert_file = "",
                            .key_file = "",
                            .offer_h2 = false});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(MetricsEndpointTlsTest, NewConnectionsGetARotatedCertificate) {
  auto endpoint = Start();
  ASSERT_NE(endpoint, nullptr);
  auto before = ServedCertificateOf(kHost, endpoint->port(), Trusting());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->common_name, "first");

  absl::StatusOr<CertFiles> second = ca_->MakeServerCert("second", "second");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(testing::ReplaceCertFiles(*second, server_).ok());

  std::string served = before->common_name;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (served != "second" && absl::Now() < deadline) {
    auto now = ServedCertificateOf(kHost, endpoint->port(), Trusting());
    ASSERT_TRUE(now.ok()) << now.status();
    served = now->common_name;
    if (served != "second") absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(served, "second");
  auto response = HttpsGet(kHost, endpoint->port(), "/metrics", Trusting());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status_code, 200);
}

TEST_F(MetricsEndpointTlsTest, RequireRefusesAClientWithoutACertificate) {
  auto endpoint = Start(transport::TlsOptions::ClientAuth::kRequire);
  ASSERT_NE(endpoint, nullptr);
  auto refused = HttpsGet(kHost, endpoint->port(), "/metrics", Trusting());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);

  HttpCaller seen;
  endpoint->SetGate([&seen](const HttpCaller& caller) {
    seen = caller;
    return auth::LocalAdmin("acme");
  });
  auto admitted =
      HttpsGet(kHost, endpoint->port(), "/metrics", WithClientCert());
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->status_code, 200);
  EXPECT_TRUE(seen.tls);
  EXPECT_THAT(seen.peer_cert_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(seen.remote_address, HasSubstr("127.0.0.1:"));
  EXPECT_EQ(seen.path, "/metrics");
}

TEST_F(MetricsEndpointTlsTest, RequestAcceptsClientsWithAndWithoutCerts) {
  auto endpoint = Start(transport::TlsOptions::ClientAuth::kRequest);
  ASSERT_NE(endpoint, nullptr);
  std::vector<std::string> certs;
  absl::Mutex mu;
  endpoint->SetGate([&](const HttpCaller& caller) {
    absl::MutexLock lock(&mu);
    certs.push_back(caller.peer_cert_pem);
    return auth::LocalAdmin("acme");
  });
  auto without = HttpsGet(kHost, endpoint->port(), "/metrics", Trusting());
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->status_code, 200);
  auto with = HttpsGet(kHost, endpoint->port(), "/metrics", WithClientCert());
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->status_code, 200);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0], "");
  EXPECT_THAT(certs[1], HasSubstr("BEGIN CERTIFICATE"));
}

// The gate, over plain HTTP (it does not depend on TLS).
class MetricsEndpointGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MetricsEndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.default_tenant = "acme";
    auto endpoint = MetricsEndpoint::Start(options, registry_);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status();
    endpoint_ = *std::move(endpoint);
    endpoint_->SetPageHandler([this](const PageRequest& request) {
      absl::MutexLock lock(&mu_);
      viewers_.push_back(request.viewer.has_value()
                             ? request.viewer->tenant + "/" + request.viewer->id
                             : "(none)");
      return std::string("<p>page</p>");
    });
    endpoint_->SetTenantFamilies([this](const std::string& tenant) {
      {
        absl::MutexLock lock(&mu_);
        tenants_.push_back(tenant);
      }
      prometheus::MetricFamily family;
      family.name = "fake_tenant_members";
      family.help = "Members of the tenant.";
      family.type = prometheus::MetricType::Gauge;
      prometheus::ClientMetric metric;
      metric.label.push_back({"tenant", tenant});
      metric.gauge.value = 3;
      family.metric.push_back(metric);
      return std::vector<prometheus::MetricFamily>{family};
    });
  }

  absl::StatusOr<testing::HttpResponse> Get(
      const std::string& path, const testing::HttpHeaders& headers = {}) {
    return HttpGet(kHost, endpoint_->port(), path, headers);
  }

  // Admits "Bearer good-<tenant>", denies "Bearer denied", else
  // UNAUTHENTICATED.
  static absl::StatusOr<auth::Principal> Gate(const HttpCaller& caller) {
    for (const auto& [name, value] : caller.headers) {
      if (name != "authorization") continue;
      if (value == "Bearer denied") {
        return absl::PermissionDeniedError("the metrics role is required");
      }
      if (value == "Bearer broken") {
        return absl::InternalError("secret internals");
      }
      if (absl::StartsWith(value, "Bearer good-")) {
        auth::Principal principal;
        principal.tenant = value.substr(std::strlen("Bearer good-"));
        principal.role = auth::Role::kMetrics;
        principal.id = "key:k1";
        return principal;
      }
    }
    return absl::UnauthenticatedError("no credential (never shown)");
  }

  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
  std::unique_ptr<MetricsEndpoint> endpoint_;
  absl::Mutex mu_;
  std::vector<std::string> viewers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> tenants_ ABSL_GUARDED_BY(mu_);
};

TEST_F(MetricsEndpointGateTest, WithoutAGateEveryoneIsServedAsTheDefault) {
  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->status_code, 200);
  EXPECT_THAT(metrics->body, HasSubstr("fake_tenant_members{tenant=\"acme\"}"));
  auto page = Get("/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status_code, 200);
  absl::MutexLock lock(&mu_);
  EXPECT_THAT(viewers_, ::testing::ElementsAre("(none)"));
  EXPECT_THAT(tenants_, ::testing::ElementsAre("acme"));
}

TEST_F(MetricsEndpointGateTest, NoCredentialIs401WithoutTheReason) {
  endpoint_->SetGate(&Gate);
  for (const char* path : {"/", "/metrics"}) {
    auto response = Get(path);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status_code, 401) << path;
    EXPECT_EQ(response->Header("WWW-Authenticate"), "Bearer realm=\"rapport\"");
    EXPECT_EQ(response->body, "authentication required\n");
  }
  absl::MutexLock lock(&mu_);
  EXPECT_TRUE(viewers_.empty());
  EXPECT_TRUE(tenants_.empty());
}

TEST_F(MetricsEndpointGateTest, DeniedIs403WithTheMessageAndErrorsAre500) {
  endpoint_->SetGate(&Gate);
  auto denied = Get("/metrics", {{"Authorization", "Bearer denied"}});
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->status_code, 403);
  EXPECT_EQ(denied->body, "the metrics role is required\n");
  auto broken = Get("/", {{"Authorization", "Bearer broken"}});
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(broken->status_code, 500);
  EXPECT_EQ(broken->body, "INTERNAL\n");
  EXPECT_THAT(broken->body, Not(HasSubstr("secret")));
}

TEST_F(MetricsEndpointGateTest, AdmittedCallersSeeTheirTenant) {
  endpoint_->SetGate(&Gate);
  for (const std::string tenant : {"north", "south"}) {
    auto metrics =
        Get("/metrics", {{"Authorization", "Bearer good-" + tenant}});
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    EXPECT_EQ(metrics->status_code, 200);
    EXPECT_THAT(metrics->body,
                HasSubstr(absl::StrCat("fake_tenant_members{tenant=\"", tenant,
                                       "\"}")));
    EXPECT_THAT(metrics->body,
                HasSubstr("rapport_metrics_scrape_duration_seconds"));
    auto page = Get("/?team=x", {{"Authorization", "Bearer good-" + tenant}});
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->status_code, 200);
  }
  absl::MutexLock lock(&mu_);
  EXPECT_THAT(viewers_, ::testing::ElementsAre("north/key:k1", "south/key:k1"));
  EXPECT_THAT(tenants_, ::testing::ElementsAre("north", "south"));
}

TEST_F(MetricsEndpointGateTest, RemovingTheGateServesEveryoneAgain) {
  endpoint_->SetGate(&Gate);
  EXPECT_EQ(Get("/metrics")->status_code, 401);
  endpoint_->SetGate(nullptr);
  EXPECT_EQ(Get("/metrics")->status_code, 200);
}

}  // namespace
}  // namespace rapport::metrics
