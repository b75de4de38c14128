// gRPC over TLS with transport::GrpcServerCredentials: server-only TLS,
// mutual TLS, and certificate rotation under a running server.
#include "server/transport/tls.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli/client.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_certs.h"
#include "tests/common/tls_client.h"
#include "tests/integration/raw_call.h"

namespace rapport::transport {
namespace {

using ::rapport::testing::CertFiles;
using ::rapport::testing::RawCall;
using ::rapport::testing::TestCa;
using ::rapport::testing::TestPki;

constexpr char kHost[] = "127.0.0.1";

// Answers GetMember with NOT_FOUND, noting the authorization header.
class RecordingService final : public rapport::v1::ActivityService::Service {
 public:
  grpc::Status GetMember(grpc::ServerContext* context,
                         const rapport::v1::GetMemberRequest*,
                         rapport::v1::GetMemberResponse*) override {
    absl::MutexLock lock(&mu_);
    for (const auto& [key, value] : context->client_metadata()) {
      if (key == "authorization") {
        authorization_.assign(value.data(), value.size());
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such member");
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }

 private:
  absl::Mutex mu_;
  std::string authorization_ ABSL_GUARDED_BY(mu_);
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = TestPki::Create(dir_.path(), "first");
    ASSERT_TRUE(pki.ok()) << pki.status();
    ca_ = std::move(pki->ca);
    server_cert_ = pki->server;
    client_cert_ = pki->client;
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Starts a server with the health service and one trivial service.
  void StartServer(TlsOptions::ClientAuth client_auth) {
    TlsOptions options;
    options.cert_file = server_cert_.cert;
    options.key_file = server_cert_.key;
    if (client_auth != TlsOptions::ClientAuth::kNone) {
      options.client_ca_file = ca_->cert_file();
    }
    options.client_auth = client_auth;
    options.refresh_interval = absl::Seconds(1);
    auto credentials = GrpcServerCredentials(options);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", *credentials, &port_);
    builder.RegisterService(&trivial_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }

  std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(
      bool with_cert) const {
    auto credentials = GrpcChannelCredentials(
        ca_->cert_file(), with_cert ? client_cert_.cert : "",
        with_cert ? client_cert_.key : "");
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return credentials.ok() ? *credentials : nullptr;
  }

  // grpc.health.v1.Health/Check for the whole server; the status, and
  // SERVING (1) in `serving` when it answers.
  grpc::Status Check(std::shared_ptr<grpc::ChannelCredentials> credentials,
                     bool* serving = nullptr) {
    grpc::ChannelArguments args;
    // A fresh connection for every check, not one shared with earlier ones.
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    auto channel = grpc::CreateCustomChannel(absl::StrCat(kHost, ":", port_),
                                             credentials, args);
    grpc::GenericStub stub(channel);
    RawCall call(stub, "/grpc.health.v1.Health/Check");
    call.Write("");  // HealthCheckRequest{service: ""}.
    call.WritesDone();
    std::optional<std::string> response = call.Read();
    if (serving != nullptr) {
      // HealthCheckResponse{status: SERVING}: field 1, varint 1.
      *serving = response.has_value() && *response == std::string("\x08\x01");
    }
    return call.Finish();
  }

  testing::TlsClientOptions RawClient() const {
    return {.ca_file = ca_->cert_file(),
            .cert_file = "",
            .key_file = "",
            .offer_h2 = true};
  }

  testing::TempDir dir_;
  std::unique_ptr<TestCa> ca_;
  CertFiles server_cert_;
  CertFiles client_cert_;
  RecordingService trivial_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(TlsTest, AClientTrustingTheCaIsServed) {
  StartServer(TlsOptions::ClientAuth::kNone);
  bool serving = false;
  grpc::Status status = Check(ClientCredentials(false), &serving);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(serving);
}

TEST_F(TlsTest, PlaintextAndUntrustingClientsFail) {
  StartServer(TlsOptions::ClientAuth::kNone);
  EXPECT_EQ(Check(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  absl::StatusOr<TestCa> other = TestCa::Create(dir_.path(), "other");
  ASSERT_TRUE(other.ok()) << other.status();
  auto untrusting = GrpcChannelCredentials(other->cert_file(), "", "");
  ASSERT_TRUE(untrusting.ok()) << untrusting.status();
  EXPECT_EQ(Check(*untrusting).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, RequireNeedsAClientCertificate) {
  StartServer(TlsOptions::ClientAuth::kRequire);
  EXPECT_EQ(Check(ClientCredentials(false)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  bool serving = false;
  grpc::Status status = Check(ClientCredentials(true), &serving);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(serving);
}

TEST_F(TlsTest, RequestAcceptsClientsWithAndWithoutCertificates) {
  StartServer(TlsOptions::ClientAuth::kRequest);
  EXPECT_TRUE(Check(ClientCredentials(false)).ok());
  EXPECT_TRUE(Check(ClientCredentials(true)).ok());
}

TEST_F(TlsTest, NewConnectionsGetARotatedCertificate) {
  StartServer(TlsOptions::ClientAuth::kNone);
  auto before = testing::ServedCertificateOf(kHost, port_, RawClient());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->common_name, "first");

  absl::StatusOr<CertFiles> second = ca_->MakeServerCert("second", "second");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(testing::ReplaceCertFiles(*second, server_cert_).ok());

  std::string served = before->common_name;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (served != "second" && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    auto now = testing::ServedCertificateOf(kHost, port_, RawClient());
    ASSERT_TRUE(now.ok()) << now.status();
    served = now->common_name;
  }
  EXPECT_EQ(served, "second");
  EXPECT_TRUE(Check(ClientCredentials(false)).ok());
}

TEST_F(TlsTest, TheCliConnectsWithTlsAndSendsTheApiKey) {
  StartServer(TlsOptions::ClientAuth::kRequire);
  cli::ClientOptions options;
  // An IP address: the certificate has it, and no resolver is involved.
  options.server = absl::StrCat(kHost, ":", port_);
  options.tls_ca_file = ca_->cert_file();
  options.tls_cert_file = client_cert_.cert;
  options.tls_key_file = client_cert_.key;
  options.api_key = "rk_test_key";
  options.timeout = absl::Seconds(10);
  auto client = cli::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  rapport::v1::GetMemberRequest request;
  rapport::v1::GetMemberResponse response;
  grpc::Status status = (*client)->activity().GetMember(
      (*client)->NewContext().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << status.error_message();
  EXPECT_EQ(trivial_.authorization(), "Bearer rk_test_key");

  // The name checked can be overridden: right and wrong.
  options.tls_server_name = "localhost";
  client = cli::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  status = (*client)->activity().GetMember((*client)->NewContext().get(),
                                           request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  options.tls_server_name = "elsewhere.test";
  client = cli::Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  status = (*client)->activity().GetMember((*client)->NewContext().get(),
                                           request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace rapport::transport
