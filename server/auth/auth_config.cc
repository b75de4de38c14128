#include "server/auth/auth_config.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/auth/cidr.h"
#include "server/auth/principal.h"
#include "server/common/status_macros.h"
#include "server/config/config_file.h"

namespace rapport::auth {
namespace {

using ::rapport::config::v1::AuthConfig;
using ::rapport::config::v1::ClaimMapping;
using ::rapport::config::v1::ClientCertRule;
using ::rapport::config::v1::OidcProvider;
using ::rapport::config::v1::TrustedProxy;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status ValidateClaims(const ClaimMapping& claims, const std::string& at) {
  if (claims.tenant().empty() == claims.tenant_claim().empty()) {
    return Invalid(absl::StrCat(at, ".tenant"),
                   "exactly one of tenant and tenant_claim is required");
  }
  if (claims.role_claim().empty()) {
    return Invalid(absl::StrCat(at, ".role_claim"), "required");
  }
  if (claims.roles().empty()) {
    return Invalid(absl::StrCat(at, ".roles"), "at least one is required");
  }
  for (const auto& [value, role] : claims.roles()) {
    if (!ParseRole(role).has_value()) {
      return Invalid(absl::StrCat(at, ".roles[\"", value, "\"]"),
                     absl::StrCat("unknown role \"", role,
                                  "\" (admin, integration, manager, rep or "
                                  "metrics)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOidc(const OidcProvider& oidc, const std::string& at) {
  if (oidc.issuer().empty()) {
    return Invalid(absl::StrCat(at, ".issuer"), "required");
  }
  if (oidc.audiences().empty()) {
    return Invalid(absl::StrCat(at, ".audiences"), "at least one is required");
  }
  for (int i = 0; i < oidc.audiences_size(); ++i) {
    if (oidc.audiences(i).empty()) {
      return Invalid(absl::StrCat(at, ".audiences[", i, "]"), "empty");
    }
  }
  if (oidc.jwks_file().empty()) {
    return Invalid(absl::StrCat(at, ".jwks_file"), "required");
  }
  for (int i = 0; i < oidc.algorithms_size(); ++i) {
    if (oidc.algorithms(i) != "RS256" && oidc.algorithms(i) != "ES256") {
      return Invalid(
          absl::StrCat(at, ".algorithms[", i, "]"),
          absl::StrCat("\"", oidc.algorithms(i), "\" is not RS256 or ES256"));
    }
  }
  if (oidc.has_clock_skew_seconds() &&
      (oidc.clock_skew_seconds() < 0 || oidc.clock_skew_seconds() > 300)) {
    return Invalid(absl::StrCat(at, ".clock_skew_seconds"),
                   "must be between 0 and 300");
  }
  return ValidateClaims(oidc.claims(), absl::StrCat(at, ".claims"));
}

absl::Status ValidateCert(const ClientCertRule& rule, const std::string& at) {
  if (rule.match_case() == ClientCertRule::MATCH_NOT_SET ||
      (rule.has_uri_san() && rule.uri_san().empty()) ||
      (rule.has_subject() && rule.subject().empty())) {
    return Invalid(absl::StrCat(at, ".match"),
                   "one of uri_san and subject is required");
  }
  if (rule.tenant().empty()) {
    return Invalid(absl::StrCat(at, ".tenant"), "required");
  }
  const std::optional<Role> role = ParseRole(rule.role());
  if (!role.has_value()) {
    return Invalid(absl::StrCat(at, ".role"),
                   absl::StrCat("unknown role \"", rule.role(),
                                "\" (admin, integration, manager, rep or "
                                "metrics)"));
  }
  if (*role == Role::kRep && rule.member_id().empty()) {
    return Invalid(absl::StrCat(at, ".member_id"), "required for role rep");
  }
  if (*role == Role::kManager) {
    if (rule.teams().empty()) {
      return Invalid(absl::StrCat(at, ".teams"),
                     "at least one is required for role manager");
    }
    for (int i = 0; i < rule.teams_size(); ++i) {
      if (rule.teams(i).empty()) {
        return Invalid(absl::StrCat(at, ".teams[", i, "]"), "empty");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateProxy(const TrustedProxy& proxy, const std::string& at) {
  if (proxy.addresses().empty()) {
    return Invalid(absl::StrCat(at, ".addresses"), "at least one is required");
  }
  for (int i = 0; i < proxy.addresses_size(); ++i) {
    Cidr cidr;
    if (!ParseCidr(proxy.addresses(i), &cidr)) {
      return Invalid(absl::StrCat(at, ".addresses[", i, "]"),
                     absl::StrCat("\"", proxy.addresses(i),
                                  "\" is not an IP address or CIDR block"));
    }
  }
  if (proxy.headers().empty()) {
    return Invalid(absl::StrCat(at, ".headers"), "at least one is required");
  }
  for (const auto& [header, claim] : proxy.headers()) {
    if (header.empty()) {
      return Invalid(absl::StrCat(at, ".headers"), "a header name is empty");
    }
    if (claim.empty()) {
      return Invalid(absl::StrCat(at, ".headers[\"", header, "\"]"),
                     "the claim name is empty");
    }
  }
  return ValidateClaims(proxy.claims(), absl::StrCat(at, ".claims"));
}

}  // namespace

absl::Status ValidateAuthConfig(const AuthConfig& config) {
  for (int i = 0; i < config.oidc_size(); ++i) {
    RAPPORT_RETURN_IF_ERROR(
        ValidateOidc(config.oidc(i), absl::StrCat("oidc[", i, "]")));
  }
  for (int i = 0; i < config.client_certs_size(); ++i) {
    RAPPORT_RETURN_IF_ERROR(ValidateCert(
        config.client_certs(i), absl::StrCat("client_certs[", i, "]")));
  }
  for (int i = 0; i < config.trusted_proxies_size(); ++i) {
    RAPPORT_RETURN_IF_ERROR(ValidateProxy(
        config.trusted_proxies(i), absl::StrCat("trusted_proxies[", i, "]")));
  }
  return absl::OkStatus();
}

absl::StatusOr<AuthConfig> LoadAuthConfig(const std::string& path) {
  absl::StatusOr<config::ConfigFormat> format = config::FormatOfPath(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::string> text = config::ReadConfigFile(path);
  if (!text.ok()) return text.status();
  AuthConfig auth;
  absl::Status status = config::ParseConfigText(*text, *format, auth);
  if (status.ok()) status = ValidateAuthConfig(auth);
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat(path, ": ", status.message()));
  }
  return auth;
}

}  // namespace rapport::auth
