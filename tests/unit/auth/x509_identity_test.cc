#include "server/auth/x509_identity.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_certs.h"

namespace rapport::auth {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(IdentityOfCertificateTest, ReadsUriSansAndTheSubject) {
  testing::TempDir dir;
  absl::StatusOr<testing::TestPki> pki =
      testing::TestPki::Create(dir.path(), "rapportd");
  ASSERT_TRUE(pki.ok()) << pki.status();
  std::optional<CertIdentity> client =
      IdentityOfCertificate(Read(pki->client.cert));
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(client->uris, std::vector<std::string>{"spiffe://acme.test/crm"});
  EXPECT_THAT(client->subject, ::testing::HasSubstr("CN=crm"));
  // The server's certificate has DNS and IP names, no URI.
  std::optional<CertIdentity> server =
      IdentityOfCertificate(Read(pki->server.cert));
  ASSERT_TRUE(server.has_value());
  EXPECT_TRUE(server->uris.empty());
  EXPECT_THAT(server->subject, ::testing::HasSubstr("CN=rapportd"));
  EXPECT_FALSE(IdentityOfCertificate("").has_value());
  EXPECT_FALSE(IdentityOfCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n"
                                     "-----END CERTIFICATE-----\n")
                   .has_value());
}

}  // namespace
}  // namespace rapport::auth
