// The JOSE pieces the OIDC verifier rests on (RFC 7515, 7517, 7518):
// base64url, JSON Web Key Sets, and RS256/ES256 signature checks, all over
// OpenSSL libcrypto. Internal to rapport_auth; thread-safe (a KeySet is
// immutable once built).
#ifndef RAPPORT_SERVER_AUTH_JOSE_H_
#define RAPPORT_SERVER_AUTH_JOSE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace rapport::auth::internal {

// The bytes `text` encodes in base64url without padding; nullopt unless
// `text` is exactly how those bytes encode (no padding, whitespace or other
// characters, unused trailing bits zero), so that every byte string has one
// accepted spelling.
std::optional<std::string> Base64UrlDecode(absl::string_view text);

// The signature algorithms Rapport verifies.
enum class JwsAlgorithm { kRs256, kEs256 };

// "RS256" and "ES256"; nullopt for every other name, "none" and "HS256"
// included.
std::optional<JwsAlgorithm> ParseJwsAlgorithm(absl::string_view name);

struct PkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// One verification key of a JWKS.
struct Jwk {
  std::string kid;
  // The algorithm its type serves: RSA keys RS256, EC P-256 keys ES256.
  JwsAlgorithm algorithm = JwsAlgorithm::kRs256;
  UniquePkey key;
};

struct KeySet {
  std::vector<Jwk> keys;
};

// The RS256 and ES256 keys of the JWKS JSON `text`: RSA keys (n, e; a
// modulus of at least 2048 bits) and EC keys on P-256 (x, y), skipping keys
// of other types or curves, keys whose `use` is not "sig" and keys whose
// `alg` is set to another algorithm. Returns INVALID_ARGUMENT when the
// text is not a JWKS, when a key of a supported type is malformed (naming
// it as "keys[i]"), or when no key is left.
absl::StatusOr<std::shared_ptr<const KeySet>> ParseJwks(absl::string_view text);

// True when `signature` (as in the JWS: PKCS#1 v1.5 for RS256, r||s of 32
// bytes each for ES256) signs `signing_input` with `key` under `algorithm`.
bool VerifySignature(JwsAlgorithm algorithm, EVP_PKEY* key,
                     absl::string_view signing_input,
                     absl::string_view signature);

}  // namespace rapport::auth::internal

#endif  // RAPPORT_SERVER_AUTH_JOSE_H_
