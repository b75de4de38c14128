// The cost of authenticating a call:
// - an OIDC token: base64url, JSON, the signature and the claims, for RS256
//   (RSA-2048) and ES256 (P-256) tokens; keys are made at start;
// - an API key: from the verifier's cache (the usual case: the digest of the
//   secret and a constant-time compare), and on a miss (a read of the key
//   and its tenant from SQLite, a file database).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/auth/api_keys.h"
#include "server/auth/authenticator.h"
#include "server/auth/oidc.h"
#include "server/common/clock.h"
#include "server/store/sqlite_store.h"
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
  if (state.range(0) == 0) {
    for (auto _ : state) {
      absl::StatusOr<Principal> principal = (*verifier)->Verify(token);
      if (!principal.ok()) {
        state.SkipWithError(principal.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(principal);
    }
    return;
  }
  // Through the Authenticator, which remembers verified tokens: what every
  // call of a session after its first costs.
  Authenticator authenticator(
      nullptr, [&](absl::string_view t) { return (*verifier)->Verify(t); }, {},
      &clock);
  const std::string header = absl::StrCat("Bearer ", token);
  Credentials credentials;
  credentials.authorization = header;
  for (auto _ : state) {
    absl::StatusOr<Principal> principal =
        authenticator.Authenticate(credentials);
    if (!principal.ok()) {
      state.SkipWithError(principal.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(principal);
  }
}
BENCHMARK_CAPTURE(BM_VerifyJwt, RS256, "RS256")
    ->ArgName("cached")
    ->Arg(0)
    ->Arg(1);
BENCHMARK_CAPTURE(BM_VerifyJwt, ES256, "ES256")
    ->ArgName("cached")
    ->Arg(0)
    ->Arg(1);

// state.range(0): 1 to read through the cache, 0 to read the store on every
// call (a cache TTL of zero).
void BM_VerifyApiKey(benchmark::State& state) {
  testing::TempDir dir;
  store::SqliteStoreOptions options;
  options.path = dir.File("keys.db");
  auto store = store::SqliteStore::Open(options);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  const FakeClock clock(absl::FromUnixSeconds(kNow));
  absl::StatusOr<std::string> token =
      BootstrapAdminKey(**store, "acme", clock.Now());
  if (!token.ok()) {
    state.SkipWithError(token.status().ToString().c_str());
    return;
  }
  ApiKeyVerifier verifier(
      store->get(), &clock, nullptr,
      {.cache_ttl = state.range(0) ? absl::Hours(1) : absl::ZeroDuration(),
       .last_use_resolution = absl::InfiniteDuration()});
  for (auto _ : state) {
    absl::StatusOr<Principal> principal = verifier.Verify(*token);
    if (!principal.ok()) {
      state.SkipWithError(principal.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(principal);
  }
}
BENCHMARK(BM_VerifyApiKey)->ArgName("cached")->Arg(1)->Arg(0);

}  // namespace
}  // namespace rapport::auth
