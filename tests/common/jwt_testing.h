// Keys, JWKS files and tokens for tests of OIDC authentication, made with
// OpenSSL libcrypto at test time (no key is ever committed). Every function
// aborts the test binary if libcrypto fails, which only happens when out of
// memory. Link the rapport_jwt_testing library (tests/unit/auth).
//
//   rapport::testing::Pkey key = rapport::testing::GenerateRsaKey();
//   rapport::testing::WriteJwksFile(path, {{key.get(), "k1"}});
//   std::string token = rapport::testing::MintJwt(
//       key.get(), "RS256", "k1",
//       R"({"iss":"https://idp.example","sub":"u1","aud":"rapport",)"
//       R"("exp":1900000000,"roles":["admin"],"tid":"acme"})");
#ifndef RAPPORT_TESTS_COMMON_JWT_TESTING_H_
#define RAPPORT_TESTS_COMMON_JWT_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace rapport::testing {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
// An owned key pair.
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// A fresh RSA key pair (for RS256); `bits` at least 2048 for Rapport to
// accept it.
Pkey GenerateRsaKey(int bits = 2048);
// A fresh EC key pair on P-256 (for ES256).
Pkey GenerateEcKey();

// `bytes` in base64url without padding (RFC 7515 section 2).
std::string Base64Url(absl::string_view bytes);

// One public key of a JWKS and its key id. `alg` empty leaves the member
// out of the JWK.
struct JwksKey {
  EVP_PKEY* key = nullptr;  // Not owned.
  std::string kid;
  std::string alg;
};

// The JWKS JSON of the public halves of `keys`: {"keys":[{"kty":"RSA",
// "kid":..., "use":"sig", "n":..., "e":...}, {"kty":"EC","crv":"P-256",
// "x":..., "y":...}]}.
std::string JwksJson(const std::vector<JwksKey>& keys);
// Writes JwksJson(keys) to `path` through a new file renamed over it, so a
// reader sees the old file or the new one, never half of one.
void WriteJwksFile(const std::string& path, const std::vector<JwksKey>& keys);

// The DER (SubjectPublicKeyInfo) of `key`'s public half: the bytes an
// attacker would use as an HMAC secret in an algorithm-confusion attack.
std::string PublicKeyDer(EVP_PKEY* key);
// The PEM of `key`'s public half, likewise.
std::string PublicKeyPem(EVP_PKEY* key);

// base64url(header_json) "." base64url(payload_json) "." base64url(signature)
// as given, signed or not.
std::string AssembleJwt(absl::string_view header_json,
                        absl::string_view payload_json,
                        absl::string_view signature);

// The header JSON {"alg":alg,"typ":"JWT","kid":kid}; no kid when empty.
std::string JwtHeader(absl::string_view alg, absl::string_view kid);

// A JWS compact token of `payload_json` signed by `key` with `alg`: "RS256"
// (RSA key) or "ES256" (P-256 key; the signature as r||s of 64 bytes), with
// header JwtHeader(alg, kid).
std::string MintJwt(EVP_PKEY* key, absl::string_view alg, absl::string_view kid,
                    absl::string_view payload_json);

// An unsecured token: header {"alg":"none"} (and kid unless empty), an empty
// signature.
std::string MintUnsignedJwt(absl::string_view kid,
                            absl::string_view payload_json);

// A token with header alg "HS256" whose signature is HMAC-SHA256 keyed by
// `secret` (for example PublicKeyDer(key)).
std::string MintHs256Jwt(absl::string_view secret, absl::string_view kid,
                         absl::string_view payload_json);

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_JWT_TESTING_H_
