// Reads and validates the auth config: the JSON or textproto form of
// rapport.config.v1.AuthConfig (proto/rapport/config/v1/auth.proto), as
// selected by rapportd's --auth_config flag. Reads the file system;
// thread-safe.
#ifndef RAPPORT_SERVER_AUTH_AUTH_CONFIG_H_
#define RAPPORT_SERVER_AUTH_AUTH_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rapport/config/v1/auth.pb.h"

namespace rapport::auth {

// Reads `path` (JSON when the name ends in ".json", textproto for
// ".textproto" or ".txtpb") and validates it with ValidateAuthConfig.
// Every message starts with "<path>: ":
// - NOT_FOUND when the file cannot be read;
// - INVALID_ARGUMENT for another extension, a syntax error or unknown field,
//   or a config ValidateAuthConfig rejects.
absl::StatusOr<config::v1::AuthConfig> LoadAuthConfig(const std::string& path);

// OK, or INVALID_ARGUMENT naming the first field at fault, as in
// "oidc[0].issuer: required":
// - oidc: issuer, at least one audience and jwks_file set; algorithms of
//   RS256 and ES256 only; clock_skew_seconds 0..300; its claims valid;
// - claims: exactly one of tenant and tenant_claim, role_claim set, every
//   roles value a role name;
// - client_certs: uri_san or subject set, tenant set, a role name, a rep's
//   member_id, a manager's teams;
// - trusted_proxies: at least one address, each an IP address or CIDR
//   block; at least one header, none with an empty name or claim; its
//   claims valid.
// Does not read the JWKS files (the OIDC verifier does).
absl::Status ValidateAuthConfig(const config::v1::AuthConfig& config);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_AUTH_CONFIG_H_
