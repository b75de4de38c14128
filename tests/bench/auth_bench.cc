// OIDC token verification: base64url, JSON, the signature and the claims,
// for RS256 (RSA-2048) and ES256 (P-256) tokens. Keys are made at start.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/auth/oidc.h"
#include "server/common/clock.h"
#include "tests/common/jwt_testing.h"
#include "tests/common/temp_dir.h"

namespace rapport::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;

void BM_VerifyJwt(benchmark::State& state, const char* alg) {
  testing::TempDir dir;
  const testing::Pkey key = absl::string_view(alg) == "RS256"
                                ? testing::GenerateRsaKey()
                                : testing::GenerateEcKey();
  const std::string jwks = dir.File("jwks.json");
  testing::WriteJwksFile(jwks, {{key.get(), "k1", ""}});
  config::v1::OidcProvider provider;
  provider.set_issuer("https://idp.example");
  provider.add_audiences("rapport");
  provider.set_jwks_file(jwks);
  provider.mutable_claims()->set_tenant("acme");
  provider.mutable_claims()->set_role_claim("groups");
  (*provider.mutable_claims()->mutable_roles())["rapport-admins"] = "admin";
  const FakeClock clock(absl::FromUnixSeconds(kNow));
  auto verifier = OidcVerifier::Create({provider}, &clock);
  if (!verifier.ok()) {
    state.SkipWithError(verifier.status().ToString().c_str());
    return;
  }
  const std::string token = testing::MintJwt(
      key.get(), alg, "k1",
      absl::StrCat(R"({"iss":"https://idp.example","sub":"user-1",)",
                   R"("aud":"rapport","email":"ana@acme.example","exp":)",
                   kNow + 3600, R"(,"groups":["rapport-admins","staff"]})"));
  for (auto _ : state) {
    absl::StatusOr<Principal> principal = (*verifier)->Verify(token);
    if (!principal.ok()) {
      state.SkipWithError(principal.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(principal);
  }
}
BENCHMARK_CAPTURE(BM_VerifyJwt, RS256, "RS256");
BENCHMARK_CAPTURE(BM_VerifyJwt, ES256, "ES256");

}  // namespace
}  // namespace rapport::auth
