// Authenticator: the one place that turns what a caller presents into a
// principal, for gRPC calls and HTTP requests alike.
//
//   authorization: Bearer rpk_...   an API key (ApiKeyVerifier)
//   authorization: Bearer eyJ...    an OIDC token (when providers are set)
//   a client certificate            mutual TLS, matched by URI SAN or subject
//
// A bearer credential wins over the client certificate: the certificate
// then only secures the connection.
#ifndef RAPPORT_SERVER_AUTH_AUTHENTICATOR_H_
#define RAPPORT_SERVER_AUTH_AUTHENTICATOR_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/api_keys.h"
#include "server/auth/principal.h"
#include "server/common/clock.h"

namespace rapport::auth {

// What a caller presented.
struct Credentials {
  // The whole `authorization` header; nullopt when absent.
  std::optional<absl::string_view> authorization;
  // The verified client certificate's URI SANs and subject (RFC 2253), when
  // the connection has one.
  std::vector<std::string> cert_uris;
  std::string cert_subject;
};

// A client certificate identity and the principal it maps to.
struct CertRule {
  std::string uri_san;  // Matched exactly, when not empty.
  std::string subject;  // Matched exactly, when uri_san is empty.
  Principal principal;
};

// Verifies an OIDC token (see OidcVerifier).
using TokenVerifier =
    std::function<absl::StatusOr<Principal>(absl::string_view token)>;

class Authenticator {
 public:
  // A verified OIDC token is remembered (by its SHA-256) this long, so that
  // the calls of one session do not each verify a signature. Kept below the
  // tokens' clock skew, so a token is never accepted later than verifying
  // it again would accept it.
  static constexpr absl::Duration kTokenCacheTtl = absl::Seconds(10);
  static constexpr size_t kMaxCachedTokens = 10000;

  // `keys` and `clock` must outlive the authenticator; `oidc` may be empty
  // (no OIDC).
  Authenticator(ApiKeyVerifier* keys, TokenVerifier oidc,
                std::vector<CertRule> cert_rules, const Clock* clock);

  // The principal, or UNAUTHENTICATED when nothing was presented or what was
  // presented is malformed, unknown, expired, revoked or forged (the message
  // says which, for the server's log; callers are told only
  // kUnauthenticatedMessage). PERMISSION_DENIED when a verified identity
  // maps to no role; UNAVAILABLE when the key store cannot be read.
  absl::StatusOr<Principal> Authenticate(const Credentials& credentials) const;

  // Whether any client certificate maps to a principal (if not, callers need
  // not read certificates).
  bool uses_client_certificates() const { return !cert_rules_.empty(); }

 private:
  absl::StatusOr<Principal> VerifyToken(absl::string_view token) const;

  ApiKeyVerifier* const keys_;
  const TokenVerifier oidc_;
  const std::vector<CertRule> cert_rules_;
  const Clock* const clock_;
  struct CachedToken {
    Principal principal;
    absl::Time verified;
  };
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, CachedToken> tokens_
      ABSL_GUARDED_BY(mu_);
};

// What a caller is told on any authentication failure.
inline constexpr absl::string_view kUnauthenticatedMessage =
    "authentication required: present a valid credential";

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_AUTHENTICATOR_H_
