// CheckTlsFiles and the credentials' checks: each bad file is refused with
// the flag that names it.
#include "server/transport/tls.h"

#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_certs.h"

namespace rapport::transport {
namespace {

using ::rapport::testing::CertFiles;
using ::rapport::testing::TestCa;
using ::rapport::testing::TestPki;
using ::testing::HasSubstr;

class CheckTlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = TestPki::Create(dir_.path(), "srv");
    ASSERT_TRUE(pki.ok()) << pki.status();
    ca_ = std::move(pki->ca);
    server_ = pki->server;
    client_ = pki->client;
    std::ofstream(dir_.File("garbage.pem")) << "not a certificate\n";
  }

  TlsOptions Valid() const {
    TlsOptions options;
    options.cert_file = server_.cert;
    options.key_file = server_.key;
    return options;
  }

  static void ExpectError(const absl::Status& status, absl::StatusCode code,
                          const std::string& flag) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(flag));
  }

  testing::TempDir dir_;
  std::unique_ptr<TestCa> ca_;
  CertFiles server_;
  CertFiles client_;
};

TEST_F(CheckTlsFilesTest, AcceptsMatchingFilesAndTlsOff) {
  EXPECT_TRUE(CheckTlsFiles(TlsOptions()).ok());
  EXPECT_TRUE(CheckTlsFiles(Valid()).ok());
  TlsOptions mutual = Valid();
  mutual.client_ca_file = ca_->cert_file();
  for (auto auth :
       {TlsOptions::ClientAuth::kNone, TlsOptions::ClientAuth::kRequest,
        TlsOptions::ClientAuth::kRequire}) {
    mutual.client_auth = auth;
    EXPECT_TRUE(CheckTlsFiles(mutual).ok());
  }
}

TEST_F(CheckTlsFilesTest, MissingFilesAreNotFoundNamingTheFlag) {
  TlsOptions options = Valid();
  options.cert_file = dir_.File("absent.pem");
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kNotFound,
              "--tls_cert_file");
  options = Valid();
  options.key_file = dir_.File("absent.key");
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kNotFound,
              "--tls_key_file");
  options = Valid();
  options.client_ca_file = dir_.File("absent-ca.pem");
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kNotFound,
              "--tls_client_ca_file");
}

TEST_F(CheckTlsFilesTest, FilesThatAreNotPemAreInvalidNamingTheFlag) {
  const std::string garbage = dir_.File("garbage.pem");
  TlsOptions options = Valid();
  options.cert_file = garbage;
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_cert_file");
  options = Valid();
  options.key_file = garbage;
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_key_file");
  options = Valid();
  options.key_file = server_.cert;  // A certificate is not a key.
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_key_file");
  options = Valid();
  options.client_ca_file = garbage;
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_client_ca_file");
}

TEST_F(CheckTlsFilesTest, AKeyOfAnotherCertificateIsInvalid) {
  TlsOptions options = Valid();
  options.key_file = client_.key;
  absl::Status status = CheckTlsFiles(options);
  ExpectError(status, absl::StatusCode::kInvalidArgument, "--tls_key_file");
  EXPECT_THAT(std::string(status.message()), HasSubstr("does not match"));
}

TEST_F(CheckTlsFilesTest, ClientCertificatesNeedACaFile) {
  for (auto auth :
       {TlsOptions::ClientAuth::kRequest, TlsOptions::ClientAuth::kRequire}) {
    TlsOptions options = Valid();
    options.client_auth = auth;
    ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
                "--tls_client_ca_file");
  }
}

TEST_F(CheckTlsFilesTest, KeyOrCaWithoutACertificateIsInvalid) {
  TlsOptions options;
  options.key_file = server_.key;
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_cert_file");
  options = TlsOptions();
  options.client_ca_file = ca_->cert_file();
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_cert_file");
  options = Valid();
  options.key_file.clear();
  ExpectError(CheckTlsFiles(options), absl::StatusCode::kInvalidArgument,
              "--tls_key_file");
}

TEST_F(CheckTlsFilesTest, ServerCredentialsCheckTheFilesFirst) {
  EXPECT_TRUE(GrpcServerCredentials(Valid()).ok());
  TlsOptions options = Valid();
  options.key_file = client_.key;
  ExpectError(GrpcServerCredentials(options).status(),
              absl::StatusCode::kInvalidArgument, "--tls_key_file");
  ExpectError(GrpcServerCredentials(TlsOptions()).status(),
              absl::StatusCode::kInvalidArgument, "--tls_cert_file");
}

TEST_F(CheckTlsFilesTest, ChannelCredentialsNameTheBadFile) {
  EXPECT_TRUE(GrpcChannelCredentials(ca_->cert_file(), "", "").ok());
  EXPECT_TRUE(
      GrpcChannelCredentials(ca_->cert_file(), client_.cert, client_.key).ok());
  ExpectError(GrpcChannelCredentials(dir_.File("absent.pem"), "", "").status(),
              absl::StatusCode::kNotFound, "--tls_ca_file");
  ExpectError(GrpcChannelCredentials(dir_.File("garbage.pem"), "", "").status(),
              absl::StatusCode::kInvalidArgument, "--tls_ca_file");
  ExpectError(
      GrpcChannelCredentials(ca_->cert_file(), client_.cert, "").status(),
      absl::StatusCode::kInvalidArgument, "--tls_key_file");
  ExpectError(
      GrpcChannelCredentials(ca_->cert_file(), client_.cert, server_.key)
          .status(),
      absl::StatusCode::kInvalidArgument, "--tls_key_file");
}

TEST(ParseClientAuthTest, ReadsTheThreeNames) {
  EXPECT_EQ(*ParseClientAuth("none"), TlsOptions::ClientAuth::kNone);
  EXPECT_EQ(*ParseClientAuth("request"), TlsOptions::ClientAuth::kRequest);
  EXPECT_EQ(*ParseClientAuth("require"), TlsOptions::ClientAuth::kRequire);
  for (const char* bad : {"", "Require", "optional", "yes"}) {
    absl::StatusOr<TlsOptions::ClientAuth> parsed = ParseClientAuth(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()),
                HasSubstr("--tls_client_auth"));
  }
}

}  // namespace
}  // namespace rapport::transport
