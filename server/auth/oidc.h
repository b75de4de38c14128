// Verifies OIDC tokens (JWTs in JWS compact form, RFC 7519 / 7515) from the
// identity providers of the auth config and maps their claims to a
// principal. Signatures are RS256 (RSASSA-PKCS1-v1_5 with SHA-256) or ES256
// (ECDSA P-256 with SHA-256), checked by OpenSSL libcrypto against the keys
// of each provider's JWKS file; unsigned ("none") and HMAC ("HS*") tokens
// are always refused.
#ifndef RAPPORT_SERVER_AUTH_OIDC_H_
#define RAPPORT_SERVER_AUTH_OIDC_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rapport/config/v1/auth.pb.h"
#include "server/auth/principal.h"
#include "server/common/clock.h"

namespace rapport::auth {

// Thread-safe: Verify may run on many threads at once. The JWKS file of a
// provider is read again when its inode, size or modification time changes,
// looked at no more often than once per jwks_check_interval (by `clock`);
// the new keys replace the old ones at once for every later Verify, while
// a Verify under way finishes with the keys it started with. A file that
// can no longer be read or parsed leaves the previous keys in use (with a
// warning on stderr) until it changes again.
class OidcVerifier {
 public:
  struct Options {
    // How long a JWKS file is trusted unchanged before it is looked at
    // again; zero looks at it on every Verify.
    absl::Duration jwks_check_interval = absl::Seconds(1);
  };

  // A verifier of the tokens of `providers` (validated as
  // ValidateAuthConfig does), reading the time from `clock` (not owned; must
  // outlive the verifier). Returns INVALID_ARGUMENT, naming the file, when
  // a JWKS file cannot be read or parsed or holds no RS256 or ES256 key
  // (RSA of at least 2048 bits, or EC P-256), or when two providers share
  // an issuer.
  static absl::StatusOr<std::unique_ptr<OidcVerifier>> Create(
      std::vector<config::v1::OidcProvider> providers, const Clock* clock);
  static absl::StatusOr<std::unique_ptr<OidcVerifier>> Create(
      std::vector<config::v1::OidcProvider> providers, const Clock* clock,
      Options options);

  OidcVerifier(const OidcVerifier&) = delete;
  OidcVerifier& operator=(const OidcVerifier&) = delete;
  ~OidcVerifier();

  // The principal of `token` (the compact JWS, without "Bearer "), with id
  // "oidc:<iss>#<sub>". Checks, in order: the form (three base64url
  // segments, canonical, the first two JSON objects); `alg` RS256 or ES256
  // and allowed by the provider; no `crit`; the provider whose issuer is
  // `iss`; the key (by `kid`, or the provider's only key of the algorithm's
  // type when the header has none); the signature; `exp` present and after
  // now - clock_skew; `nbf`, when present, not after now + clock_skew;
  // `aud` (a string or an array) holding one of the provider's audiences;
  // `sub` present. Returns UNAUTHENTICATED when any check fails, with a
  // message meant for the server's log, not for the caller; then what
  // MapClaims returns for the provider's claim mapping (PERMISSION_DENIED
  // when the identity maps to no principal).
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  // True when `token` has the shape of a JWS compact serialisation (three
  // base64url segments, the first starting as a JSON object does), to tell
  // OIDC tokens apart from other bearer credentials without verifying.
  static bool LooksLikeJwt(absl::string_view token);

 private:
  struct Provider;

  OidcVerifier(std::vector<std::unique_ptr<Provider>> providers,
               const Clock* clock, Options options);

  std::vector<std::unique_ptr<Provider>> providers_;
  const Clock* clock_;
  Options options_;
};

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_OIDC_H_
