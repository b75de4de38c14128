#include "server/auth/auth_config.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace rapport::auth {
namespace {

// A config that passes validation; the cases below break one field each.
constexpr absl::string_view kValid = R"cfg(
  oidc {
    issuer: "https://idp.example"
    audiences: "rapport"
    jwks_file: "/etc/rapport/idp-jwks.json"
    algorithms: "RS256"
    clock_skew_seconds: 30
    claims {
      tenant: "acme"
      member_claim: "email"
      role_claim: "groups"
      roles { key: "rapport-admins" value: "admin" }
      roles { key: "rapport-managers" value: "manager" }
      teams_claim: "groups"
      team_prefix: "rapport-team-"
    }
  }
  client_certs {
    uri_san: "spiffe://acme.example/ns/crm/sa/sync"
    tenant: "acme"
    role: "integration"
  }
  client_certs {
    subject: "CN=ana,O=Acme"
    tenant: "acme"
    role: "rep"
    member_id: "ana@acme.example"
  }
  client_certs {
    subject: "CN=bo,O=Acme"
    tenant: "acme"
    role: "manager"
    teams: "emea"
  }
  trusted_proxies {
    addresses: "10.0.0.0/8"
    addresses: "::1"
    headers { key: "X-Forwarded-Email" value: "email" }
    headers { key: "X-Forwarded-Groups" value: "groups" }
    claims {
      tenant_claim: "tenant"
      member_claim: "email"
      role_claim: "groups"
      roles { key: "reps" value: "rep" }
    }
  }
)cfg";

class AuthConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }

  // Loads kValid with `from` replaced by `to` (which must occur).
  absl::StatusOr<config::v1::AuthConfig> LoadEdited(const std::string& from,
                                                    const std::string& to) {
    EXPECT_TRUE(absl::StrContains(kValid, from)) << from;
    return LoadAuthConfig(
        Write("auth.textproto", absl::StrReplaceAll(kValid, {{from, to}})));
  }

  testing::TempDir dir_;
};

TEST_F(AuthConfigTest, LoadsAValidTextprotoConfig) {
  const absl::StatusOr<config::v1::AuthConfig> config =
      LoadAuthConfig(Write("auth.txtpb", std::string(kValid)));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->oidc(0).issuer(), "https://idp.example");
  EXPECT_EQ(config->client_certs_size(), 3);
  EXPECT_EQ(config->trusted_proxies(0).addresses(1), "::1");
}

TEST_F(AuthConfigTest, LoadsAValidJsonConfig) {
  const absl::StatusOr<config::v1::AuthConfig> config = LoadAuthConfig(Write(
      "auth.json",
      R"({"oidc":[{"issuer":"https://idp.example","audiences":["rapport"],)"
      R"("jwksFile":"/etc/jwks.json","claims":{"tenantClaim":"tid",)"
      R"("roleClaim":"roles","roles":{"Rapport.Admin":"admin"}}}]})"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->oidc(0).claims().roles().at("Rapport.Admin"), "admin");
  EXPECT_FALSE(config->oidc(0).has_clock_skew_seconds());
}

TEST_F(AuthConfigTest, AnEmptyConfigIsValid) {
  EXPECT_TRUE(LoadAuthConfig(Write("auth.textproto", "")).ok());
  EXPECT_TRUE(LoadAuthConfig(Write("auth.json", "{}")).ok());
}

TEST_F(AuthConfigTest, FileErrorsNameThePath) {
  const std::string missing = dir_.File("missing.json");
  absl::StatusOr<config::v1::AuthConfig> config = LoadAuthConfig(missing);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(), missing + ": cannot be read");

  const std::string yaml = Write("auth.yaml", "oidc: []");
  config = LoadAuthConfig(yaml);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(config.status().message(), yaml + ": "));

  const std::string bad_json = Write("auth.json", R"({"oidc":[{"isuer":""}]})");
  config = LoadAuthConfig(bad_json);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StartsWith(config.status().message(), bad_json + ": invalid JSON"))
      << config.status();

  const std::string bad_text = Write("auth.textproto", "oidc { isuer: \"\" }");
  config = LoadAuthConfig(bad_text);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(config.status().message(),
                               bad_text + ": invalid textproto: line 1"))
      << config.status();
}

TEST_F(AuthConfigTest, ValidationErrorsNameTheField) {
  const struct {
    std::string from;
    std::string to;
    std::string message;
  } cases[] = {
      {R"(issuer: "https://idp.example")", "", "oidc[0].issuer: required"},
      {R"(audiences: "rapport")", "", "oidc[0].audiences: "},
      {R"(audiences: "rapport")", R"(audiences: "")", "oidc[0].audiences[0]: "},
      {R"(jwks_file: "/etc/rapport/idp-jwks.json")", "",
       "oidc[0].jwks_file: required"},
      {R"(algorithms: "RS256")", R"(algorithms: "RS256" algorithms: "HS256")",
       "oidc[0].algorithms[1]: "},
      {R"(algorithms: "RS256")", R"(algorithms: "none")",
       "oidc[0].algorithms[0]: "},
      {"clock_skew_seconds: 30", "clock_skew_seconds: 301",
       "oidc[0].clock_skew_seconds: "},
      {"clock_skew_seconds: 30", "clock_skew_seconds: -1",
       "oidc[0].clock_skew_seconds: "},
      {R"(tenant: "acme"
      member_claim)",
       "member_claim", "oidc[0].claims.tenant: exactly one"},
      {R"(tenant: "acme"
      member_claim)",
       R"(tenant: "acme" tenant_claim: "tid" member_claim)",
       "oidc[0].claims.tenant: exactly one"},
      {R"(member_claim: "email"
      role_claim: "groups"
      roles { key: "rapport-admins")",
       R"(member_claim: "email"
      roles { key: "rapport-admins")",
       "oidc[0].claims.role_claim: required"},
      {R"(value: "manager")", R"(value: "boss")",
       R"(oidc[0].claims.roles["rapport-managers"]: unknown role "boss")"},
      {R"(uri_san: "spiffe://acme.example/ns/crm/sa/sync")", "",
       "client_certs[0].match: "},
      {R"(uri_san: "spiffe://acme.example/ns/crm/sa/sync")", R"(uri_san: "")",
       "client_certs[0].match: "},
      {R"(tenant: "acme"
    role: "integration")",
       R"(role: "integration")", "client_certs[0].tenant: required"},
      {R"(role: "integration")", R"(role: "root")",
       R"(client_certs[0].role: unknown role "root")"},
      {R"(member_id: "ana@acme.example")", "",
       "client_certs[1].member_id: required for role rep"},
      {R"(teams: "emea")", "", "client_certs[2].teams: "},
      {R"(teams: "emea")", R"(teams: "emea" teams: "")",
       "client_certs[2].teams[1]: empty"},
      {R"(addresses: "10.0.0.0/8"
    addresses: "::1")",
       "", "trusted_proxies[0].addresses: "},
      {R"(addresses: "::1")", R"(addresses: "10.0.0.0/33")",
       R"(trusted_proxies[0].addresses[1]: "10.0.0.0/33" is not)"},
      {R"(addresses: "::1")", R"(addresses: "proxy.internal")",
       "trusted_proxies[0].addresses[1]: "},
      {R"(headers { key: "X-Forwarded-Email" value: "email" }
    headers { key: "X-Forwarded-Groups" value: "groups" })",
       "", "trusted_proxies[0].headers: "},
      {R"(value: "groups" })", R"(value: "" })",
       R"(trusted_proxies[0].headers["X-Forwarded-Groups"]: )"},
      {R"(tenant_claim: "tenant")", "",
       "trusted_proxies[0].claims.tenant: exactly one"},
      {R"(value: "rep")", R"(value: "")",
       R"(trusted_proxies[0].claims.roles["reps"]: unknown role "")"},
  };
  for (const auto& c : cases) {
    const absl::StatusOr<config::v1::AuthConfig> config =
        LoadEdited(c.from, c.to);
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument)
        << c.message;
    EXPECT_TRUE(
        absl::StartsWith(config.status().message(),
                         dir_.File("auth.textproto") + ": " + c.message))
        << config.status() << "\nwanted: " << c.message;
  }
}

}  // namespace
}  // namespace rapport::auth
