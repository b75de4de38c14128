// Credentials: what a caller puts in `authorization: Bearer ...`, and the
// JWKS files an operator points the OIDC verifier at. The first byte picks
// the entry point; the rest is its input:
//   0: ParseApiKey: a parsed key spells the token back exactly;
//   1: Base64UrlDecode: canonical, so decoded bytes re-encode to the input;
//   2: ParseJwks: a JWKS document (INVALID_ARGUMENT or keys);
//   3: OidcVerifier::Verify and LooksLikeJwt on a raw token;
//   4: OidcVerifier::Verify on a token whose payload (the rest) is signed
//      with the provider's real ES256 key, so that the fuzzer reaches the
//      claim checks (exp, nbf, aud, sub) and MapClaims;
//   5: MapClaims on a JSON object under a few claim mappings.
// Verify may only answer UNAUTHENTICATED or PERMISSION_DENIED; MapClaims
// only PERMISSION_DENIED.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "rapport/config/v1/auth.pb.h"
#include "server/auth/api_keys.h"
#include "server/auth/claims.h"
#include "server/auth/jose.h"
#include "server/auth/oidc.h"
#include "server/common/clock.h"
#include "tests/common/jwt_testing.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

constexpr char kIssuer[] = "https://idp.example";

config::v1::ClaimMapping Mapping(int variant) {
  config::v1::ClaimMapping m;
  if (variant % 2 == 0) {
    m.set_tenant_claim("tid");
  } else {
    m.set_tenant("acme");
  }
  m.set_role_claim(variant % 3 == 0 ? "roles" : "groups");
  (*m.mutable_roles())["rapport-admin"] = "admin";
  (*m.mutable_roles())["rapport-manager"] = "manager";
  (*m.mutable_roles())["rapport-rep"] = "rep";
  (*m.mutable_roles())["rapport-metrics"] = "metrics";
  (*m.mutable_roles())["rapport-integration"] = "integration";
  m.set_member_claim("mid");
  m.set_teams_claim("groups");
  m.set_team_prefix(variant % 4 == 0 ? "" : "team:");
  return m;
}

// The verifier of one provider whose JWKS holds a fresh P-256 key, made
// once per process in a temporary directory.
struct Oidc {
  testing::Pkey key;
  FakeClock clock{FixedNow()};
  std::unique_ptr<auth::OidcVerifier> verifier;
};

Oidc* MakeOidc() {
  auto* oidc = new Oidc;
  oidc->key = testing::GenerateEcKey();
  char dir[] = "/tmp/rapport-fuzz-oidc-XXXXXX";
  Check(mkdtemp(dir) != nullptr, "mkdtemp");
  const std::string jwks = absl::StrCat(dir, "/jwks.json");
  testing::WriteJwksFile(jwks, {{oidc->key.get(), "k1", "ES256"}});
  config::v1::OidcProvider provider;
  provider.set_issuer(kIssuer);
  provider.add_audiences("rapport");
  provider.set_jwks_file(jwks);
  *provider.mutable_claims() = Mapping(0);
  auth::OidcVerifier::Options options;
  options.jwks_check_interval = absl::Hours(1);
  auto verifier = auth::OidcVerifier::Create({provider}, &oidc->clock, options);
  if (!verifier.ok()) Fail("OidcVerifier::Create", verifier.status());
  oidc->verifier = *std::move(verifier);
  // The verifier has read the keys; the directory is not needed again.
  std::remove(jwks.c_str());
  rmdir(dir);
  return oidc;
}

Oidc& TheOidc() {
  static Oidc* const oidc = MakeOidc();
  return *oidc;
}

void ExpectVerifyOutcome(const absl::StatusOr<auth::Principal>& principal) {
  ExpectCodeIn(
      principal.status(),
      {absl::StatusCode::kUnauthenticated, absl::StatusCode::kPermissionDenied},
      "OidcVerifier::Verify");
  if (principal.ok()) {
    Check(!principal->tenant.empty(), "a principal without a tenant");
    Check(absl::StartsWith(principal->id, "oidc:"), "principal id");
  }
}

void ApiKey(absl::string_view token) {
  std::optional<auth::ParsedKey> key = auth::ParseApiKey(token);
  if (!key.has_value()) return;
  Check(
      absl::StrCat(auth::kApiKeyPrefix, key->key_id, "_", key->secret) == token,
      "a parsed API key does not spell the token");
  Check(key->key_id.size() == 16, "key_id of 16 hex digits");
}

void Base64Url(absl::string_view text) {
  std::optional<std::string> bytes = auth::internal::Base64UrlDecode(text);
  if (!bytes.has_value()) return;
  Check(testing::Base64Url(*bytes) == text,
        "Base64UrlDecode accepted a non-canonical spelling");
}

void Jwks(absl::string_view text) {
  auto keys = auth::internal::ParseJwks(text);
  ExpectCodeIn(keys.status(), {absl::StatusCode::kInvalidArgument},
               "ParseJwks");
  if (keys.ok()) Check(!(*keys)->keys.empty(), "a JWKS without keys");
}

void RawToken(absl::string_view token) {
  (void)auth::OidcVerifier::LooksLikeJwt(token);
  ExpectVerifyOutcome(TheOidc().verifier->Verify(token));
}

void SignedToken(const std::string& payload) {
  Oidc& oidc = TheOidc();
  const std::string token =
      testing::MintJwt(oidc.key.get(), "ES256", "k1", payload);
  ExpectVerifyOutcome(oidc.verifier->Verify(token));
}

void Claims(FuzzedDataProvider& in) {
  const int variant = in.ConsumeIntegral<uint8_t>();
  const std::string json = in.ConsumeRemainingBytesAsString();
  google::protobuf::Struct claims;
  if (!google::protobuf::util::JsonStringToMessage(json, &claims).ok()) return;
  auto principal = auth::MapClaims(Mapping(variant), claims, "oidc:x#y");
  ExpectCodeIn(principal.status(), {absl::StatusCode::kPermissionDenied},
               "MapClaims");
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data + 1),
                               size - 1);
  switch (data[0] % 6) {
    case 0:
      ApiKey(rest);
      break;
    case 1:
      Base64Url(rest);
      break;
    case 2:
      Jwks(rest);
      break;
    case 3:
      RawToken(rest);
      break;
    case 4:
      SignedToken(std::string(rest));
      break;
    default: {
      FuzzedDataProvider in(data + 1, size - 1);
      Claims(in);
      break;
    }
  }
  return 0;
}
