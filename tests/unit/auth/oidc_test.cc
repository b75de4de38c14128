#include "server/auth/oidc.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "tests/common/jwt_testing.h"
#include "tests/common/temp_dir.h"

namespace rapport::auth {
namespace {

using ::rapport::config::v1::OidcProvider;
using ::testing::ElementsAre;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kIssuer[] = "https://idp.example/tenant-1";

// The claims of a token, as JSON.
struct Claims {
  std::string iss = kIssuer;
  std::optional<std::string> sub = "user-1";
  // Raw JSON.
  std::string aud = "\"rapport\"";
  std::optional<double> exp = kNow + 3600;
  std::optional<double> nbf;
  // Raw JSON members appended.
  std::string extra = R"("groups":["rapport-admins"])";

  std::string Json() const {
    std::string json = absl::StrCat(R"({"iss":")", iss, R"(","aud":)", aud);
    if (sub.has_value()) absl::StrAppend(&json, R"(,"sub":")", *sub, "\"");
    if (exp.has_value())
      absl::StrAppend(&json, absl::StrFormat(",\"exp\":%.3f", *exp));
    if (nbf.has_value())
      absl::StrAppend(&json, absl::StrFormat(",\"nbf\":%.3f", *nbf));
    if (!extra.empty()) absl::StrAppend(&json, ",", extra);
    return absl::StrCat(json, "}");
  }
};

class OidcVerifierTest : public ::testing::Test {
 protected:
  // RSA key generation takes a while: one pair of keys serves every test.
  static void SetUpTestSuite() {
    shared_rsa_ = testing::GenerateRsaKey();
    shared_ec_ = testing::GenerateEcKey();
  }
  static void TearDownTestSuite() {
    shared_rsa_.reset();
    shared_ec_.reset();
  }

  OidcVerifierTest()
      : rsa_(shared_rsa_.get()),
        ec_(shared_ec_.get()),
        jwks_path_(dir_.File("jwks.json")),
        clock_(absl::FromUnixSeconds(kNow)) {
    testing::WriteJwksFile(jwks_path_,
                           {{rsa_, "rsa-1", ""}, {ec_, "ec-1", ""}});
  }

  OidcProvider Provider() const {
    OidcProvider provider;
    provider.set_issuer(kIssuer);
    provider.add_audiences("rapport");
    provider.add_audiences("rapport-web");
    provider.set_jwks_file(jwks_path_);
    provider.set_clock_skew_seconds(60);
    auto& claims = *provider.mutable_claims();
    claims.set_tenant("acme");
    claims.set_member_claim("email");
    claims.set_role_claim("groups");
    (*claims.mutable_roles())["rapport-admins"] = "admin";
    (*claims.mutable_roles())["rapport-managers"] = "manager";
    (*claims.mutable_roles())["rapport-reps"] = "rep";
    claims.set_teams_claim("groups");
    claims.set_team_prefix("rapport-team-");
    return provider;
  }

  std::unique_ptr<OidcVerifier> Verifier(
      std::vector<OidcProvider> providers,
      OidcVerifier::Options options = OidcVerifier::Options()) {
    absl::StatusOr<std::unique_ptr<OidcVerifier>> verifier =
        OidcVerifier::Create(std::move(providers), &clock_, options);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }
  std::unique_ptr<OidcVerifier> Verifier() { return Verifier({Provider()}); }

  std::string Rs256(const Claims& claims, absl::string_view kid = "rsa-1") {
    return testing::MintJwt(rsa_, "RS256", kid, claims.Json());
  }
  std::string Es256(const Claims& claims, absl::string_view kid = "ec-1") {
    return testing::MintJwt(ec_, "ES256", kid, claims.Json());
  }

  // The status of verifying `token`, expected UNAUTHENTICATED.
  void ExpectUnauthenticated(const OidcVerifier& verifier,
                             const std::string& token,
                             absl::string_view why = "") {
    const absl::StatusOr<Principal> principal = verifier.Verify(token);
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated)
        << token << " -> " << principal.status();
    if (!why.empty()) {
      EXPECT_TRUE(absl::StrContains(principal.status().message(), why))
          << principal.status() << ", wanted " << why;
    }
  }

  static inline testing::Pkey shared_rsa_;
  static inline testing::Pkey shared_ec_;

  testing::TempDir dir_;
  EVP_PKEY* rsa_;
  EVP_PKEY* ec_;
  std::string jwks_path_;
  FakeClock clock_;
};

TEST_F(OidcVerifierTest, AcceptsAValidRs256Token) {
  const auto verifier = Verifier();
  const absl::StatusOr<Principal> principal = verifier->Verify(Rs256({}));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "acme");
  EXPECT_EQ(principal->role, Role::kAdmin);
  EXPECT_EQ(principal->id, absl::StrCat("oidc:", kIssuer, "#user-1"));
}

TEST_F(OidcVerifierTest, AcceptsAValidEs256Token) {
  const auto verifier = Verifier();
  Claims claims;
  claims.extra =
      R"("groups":["rapport-managers","rapport-team-emea"],"email":"x@y")";
  const absl::StatusOr<Principal> principal = verifier->Verify(Es256(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, Role::kManager);
  EXPECT_THAT(principal->teams, ElementsAre("emea"));
}

TEST_F(OidcVerifierTest, MapsRepClaims) {
  const auto verifier = Verifier();
  Claims claims;
  claims.extra = R"("groups":"rapport-reps","email":"ana@acme.example")";
  const absl::StatusOr<Principal> principal = verifier->Verify(Rs256(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, Role::kRep);
  EXPECT_EQ(principal->member_id, "ana@acme.example");
}

TEST_F(OidcVerifierTest, AGenuineTokenWithoutARoleIsPermissionDenied) {
  const auto verifier = Verifier();
  Claims claims;
  claims.extra = R"("groups":["everyone"])";
  EXPECT_EQ(verifier->Verify(Rs256(claims)).status().code(),
            absl::StatusCode::kPermissionDenied);
  claims.extra = R"("groups":["rapport-reps"])";  // No email.
  EXPECT_EQ(verifier->Verify(Es256(claims)).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(OidcVerifierTest, ExpiryAndNotBeforeWithClockSkew) {
  const auto verifier = Verifier();
  const struct {
    std::optional<double> exp;
    std::optional<double> nbf;
    bool ok;
  } cases[] = {
      {kNow + 1, std::nullopt, true},
      {kNow - 59, std::nullopt, true},   // Expired, within the skew.
      {kNow - 60, std::nullopt, false},  // Expired by the skew exactly.
      {kNow - 3600, std::nullopt, false},
      {std::nullopt, std::nullopt, false},  // exp is required.
      {kNow + 3600, kNow, true},
      {kNow + 3600, kNow + 60, true},  // Not yet valid, within the skew.
      {kNow + 3600, kNow + 61, false},
      {kNow + 3600, kNow + 3000, false},
      {kNow + 0.5 - 60, std::nullopt, true},  // NumericDate may be fractional.
  };
  for (const auto& c : cases) {
    Claims claims;
    claims.exp = c.exp;
    claims.nbf = c.nbf;
    for (const std::string& token : {Rs256(claims), Es256(claims)}) {
      const absl::StatusOr<Principal> principal = verifier->Verify(token);
      if (c.ok) {
        EXPECT_TRUE(principal.ok()) << claims.Json() << principal.status();
      } else {
        EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated)
            << claims.Json();
      }
    }
  }
}

TEST_F(OidcVerifierTest, ClockSkewIsConfigurable) {
  OidcProvider provider = Provider();
  provider.set_clock_skew_seconds(0);
  const auto strict = Verifier({provider});
  provider.clear_clock_skew_seconds();  // The default: 60 seconds.
  const auto lenient = Verifier({provider});
  Claims claims;
  claims.exp = kNow - 30;
  ExpectUnauthenticated(*strict, Rs256(claims), "expired");
  EXPECT_TRUE(lenient->Verify(Rs256(claims)).ok());
  claims.exp = kNow + 30;
  EXPECT_TRUE(strict->Verify(Rs256(claims)).ok());
  clock_.Advance(absl::Seconds(30));
  ExpectUnauthenticated(*strict, Rs256(claims), "expired");
}

TEST_F(OidcVerifierTest, TheIssuerMustBeConfigured) {
  const auto verifier = Verifier();
  Claims claims;
  claims.iss = absl::StrCat(kIssuer, "/");
  ExpectUnauthenticated(*verifier, Rs256(claims), "issuer");
  claims.iss = "https://evil.example/tenant-1";
  ExpectUnauthenticated(*verifier, Rs256(claims), "issuer");
}

TEST_F(OidcVerifierTest, TheAudienceMustBeOneOfTheProvidersAudiences) {
  const auto verifier = Verifier();
  Claims claims;
  for (const char* aud : {R"("other")", R"(["other","another"])", "[]",
                          R"(["RAPPORT"])", "7", "null"}) {
    claims.aud = aud;
    ExpectUnauthenticated(*verifier, Rs256(claims), "audience");
  }
  for (const char* aud :
       {R"("rapport-web")", R"(["other","rapport"])", R"([1,"rapport-web"])"}) {
    claims.aud = aud;
    EXPECT_TRUE(verifier->Verify(Rs256(claims)).ok()) << aud;
  }
}

TEST_F(OidcVerifierTest, TheSubjectIsRequired) {
  const auto verifier = Verifier();
  Claims claims;
  claims.sub = std::nullopt;
  ExpectUnauthenticated(*verifier, Rs256(claims), "sub");
  claims.sub = "";
  ExpectUnauthenticated(*verifier, Rs256(claims), "sub");
}

TEST_F(OidcVerifierTest, RefusesUnsignedTokens) {
  const auto verifier = Verifier();
  const std::string payload = Claims().Json();
  ExpectUnauthenticated(*verifier, testing::MintUnsignedJwt("rsa-1", payload),
                        "algorithm");
  ExpectUnauthenticated(*verifier, testing::MintUnsignedJwt("", payload),
                        "algorithm");
  // "none" with a signature that would verify for RS256 anyway.
  const std::string signed_token = Rs256({});
  const std::string none_header =
      testing::Base64Url(R"({"alg":"none","kid":"rsa-1"})");
  ExpectUnauthenticated(
      *verifier,
      absl::StrCat(none_header, signed_token.substr(signed_token.find('.'))),
      "algorithm");
}

TEST_F(OidcVerifierTest, RefusesHmacTokensKeyedWithThePublicKey) {
  const auto verifier = Verifier();
  const std::string payload = Claims().Json();
  for (EVP_PKEY* key : {rsa_, ec_}) {
    for (const std::string& secret :
         {testing::PublicKeyDer(key), testing::PublicKeyPem(key)}) {
      ExpectUnauthenticated(*verifier,
                            testing::MintHs256Jwt(secret, "rsa-1", payload),
                            "algorithm");
      ExpectUnauthenticated(
          *verifier, testing::MintHs256Jwt(secret, "", payload), "algorithm");
    }
  }
  // The whole JWKS file as the secret, likewise.
  std::ifstream in(jwks_path_);
  const std::string jwks{std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>()};
  ExpectUnauthenticated(
      *verifier, testing::MintHs256Jwt(jwks, "rsa-1", payload), "algorithm");
}

TEST_F(OidcVerifierTest, RefusesAlgorithmsTheProviderDoesNotAllow) {
  OidcProvider provider = Provider();
  provider.add_algorithms("ES256");
  const auto verifier = Verifier({provider});
  ExpectUnauthenticated(*verifier, Rs256({}), "RS256");
  EXPECT_TRUE(verifier->Verify(Es256({})).ok());
}

TEST_F(OidcVerifierTest, TheKeyTypeMustMatchTheAlgorithm) {
  const auto verifier = Verifier();
  // An ES256 header naming the RSA key, signed with the EC key: refused for
  // want of an EC key "rsa-1" rather than checked against the RSA key.
  ExpectUnauthenticated(
      *verifier, testing::MintJwt(ec_, "ES256", "rsa-1", Claims().Json()),
      "kid");
  ExpectUnauthenticated(
      *verifier, testing::MintJwt(rsa_, "RS256", "ec-1", Claims().Json()),
      "kid");
}

TEST_F(OidcVerifierTest, RefusesUnknownKids) {
  const auto verifier = Verifier();
  ExpectUnauthenticated(*verifier, Rs256({}, "rsa-2"), "kid");
  ExpectUnauthenticated(*verifier, Es256({}, "RSA-1"), "kid");
}

TEST_F(OidcVerifierTest, WithoutKidUsesTheOnlyKeyOfItsType) {
  const auto verifier = Verifier();
  EXPECT_TRUE(verifier->Verify(Rs256({}, "")).ok());
  EXPECT_TRUE(verifier->Verify(Es256({}, "")).ok());

  // Two RSA keys: a token without kid is ambiguous.
  const testing::Pkey other = testing::GenerateRsaKey();
  testing::WriteJwksFile(jwks_path_,
                         {{rsa_, "rsa-1", ""}, {other.get(), "rsa-2", ""}});
  const auto two = Verifier();
  ExpectUnauthenticated(*two, Rs256({}, ""), "kid");
  EXPECT_TRUE(two->Verify(Rs256({}, "rsa-1")).ok());
}

TEST_F(OidcVerifierTest, RefusesTokensSignedByAnotherKeyWithTheSameKid) {
  const auto verifier = Verifier();
  const testing::Pkey rsa = testing::GenerateRsaKey();
  const testing::Pkey ec = testing::GenerateEcKey();
  ExpectUnauthenticated(
      *verifier, testing::MintJwt(rsa.get(), "RS256", "rsa-1", Claims().Json()),
      "signature");
  ExpectUnauthenticated(
      *verifier, testing::MintJwt(ec.get(), "ES256", "ec-1", Claims().Json()),
      "signature");
}

TEST_F(OidcVerifierTest, RefusesAPayloadChangedAfterSigning) {
  const auto verifier = Verifier();
  Claims claims;
  claims.extra = R"("groups":["rapport-reps"],"email":"ana@acme.example")";
  for (const std::string& token : {Rs256(claims), Es256(claims)}) {
    ASSERT_TRUE(verifier->Verify(token).ok());
    Claims forged = claims;
    forged.extra = R"("groups":["rapport-admins"],"email":"ana@acme.example")";
    const size_t first = token.find('.');
    const size_t second = token.find('.', first + 1);
    const std::string tampered =
        absl::StrCat(token.substr(0, first + 1),
                     testing::Base64Url(forged.Json()), token.substr(second));
    ExpectUnauthenticated(*verifier, tampered, "signature");
  }
}

TEST_F(OidcVerifierTest, RefusesEs256SignaturesOfAnotherLength) {
  const auto verifier = Verifier();
  const std::string token = Es256({});
  const size_t dot = token.rfind('.');
  const std::string input = token.substr(0, dot + 1);
  for (const size_t size : {0, 1, 32, 63, 65, 70, 72, 128}) {
    ExpectUnauthenticated(
        *verifier,
        absl::StrCat(input, testing::Base64Url(std::string(size, 'x'))),
        "signature");
  }
  // The signature's DER form, as OpenSSL makes it, is refused too.
  std::string der(72, '\0');
  der[0] = 0x30;
  ExpectUnauthenticated(*verifier, absl::StrCat(input, testing::Base64Url(der)),
                        "signature");
}

TEST_F(OidcVerifierTest, RefusesMalformedTokens) {
  const auto verifier = Verifier();
  const std::string token = Rs256({});
  const std::string header = token.substr(0, token.find('.'));
  for (const std::string& bad : {
           std::string(""),
           std::string("."),
           std::string(".."),
           std::string("abc"),
           token + ".",
           token + ".x",
           token.substr(0, token.rfind('.')),
           absl::StrCat(testing::Base64Url("[]"), token.substr(header.size())),
           absl::StrCat(testing::Base64Url("not json"),
                        token.substr(header.size())),
           absl::StrCat(testing::Base64Url(R"({"alg":"RS256","crit":["exp"]})"),
                        token.substr(header.size())),
           absl::StrCat(testing::Base64Url(R"({"alg":"RS256","kid":7})"),
                        token.substr(header.size())),
           absl::StrCat(header, "=", token.substr(header.size())),
           std::string(70 * 1024, 'a'),
       }) {
    ExpectUnauthenticated(*verifier, bad);
  }
}

// Any change to a valid token's text, of one character anywhere or by
// cutting it short, is refused: base64url decoding is one-to-one, so every
// change alters the signed input or the signature.
TEST_F(OidcVerifierTest, RandomMutationsAreNeverAccepted) {
  const auto verifier = Verifier();
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "
      "\n\0\xff";
  const absl::string_view kReplacements(kChars, sizeof(kChars) - 1);
  std::mt19937 rng(424242);
  for (const std::string& token : {Rs256({}), Es256({})}) {
    ASSERT_TRUE(verifier->Verify(token).ok());
    for (int i = 0; i < 1000; ++i) {
      std::string mutated = token;
      const size_t at = rng() % token.size();
      switch (rng() % 4) {
        case 0:  // Replace one character.
          do {
            mutated[at] = kReplacements[rng() % kReplacements.size()];
          } while (mutated[at] == token[at]);
          break;
        case 1:  // Flip one bit.
          mutated[at] = static_cast<char>(mutated[at] ^ (1 << (rng() % 8)));
          break;
        case 2:  // Cut short.
          mutated.resize(at);
          break;
        case 3:  // Drop one character.
          mutated.erase(at, 1);
          break;
      }
      ASSERT_NE(mutated, token);
      EXPECT_EQ(verifier->Verify(mutated).status().code(),
                absl::StatusCode::kUnauthenticated)
          << "accepted: " << mutated;
    }
  }
}

TEST_F(OidcVerifierTest, PicksTheProviderByIssuer) {
  const testing::Pkey other_key = testing::GenerateEcKey();
  const std::string other_jwks = dir_.File("other.json");
  testing::WriteJwksFile(other_jwks, {{other_key.get(), "k", ""}});
  OidcProvider other = Provider();
  other.set_issuer("https://login.other.example");
  other.set_jwks_file(other_jwks);
  other.mutable_claims()->set_tenant("globex");
  const auto verifier = Verifier({Provider(), other});

  Claims claims;
  claims.iss = "https://login.other.example";
  const absl::StatusOr<Principal> principal = verifier->Verify(
      testing::MintJwt(other_key.get(), "ES256", "k", claims.Json()));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "globex");
  EXPECT_EQ(principal->id, "oidc:https://login.other.example#user-1");
  // The other provider's key does not sign for the first issuer.
  ExpectUnauthenticated(
      *verifier,
      testing::MintJwt(other_key.get(), "ES256", "ec-1", Claims().Json()),
      "signature");
  // Nor the first provider's keys for the other issuer.
  ExpectUnauthenticated(*verifier, Es256(claims, "k"), "signature");
}

TEST_F(OidcVerifierTest, ReloadsTheJwksWhenTheFileChanges) {
  const auto verifier = Verifier();
  const std::string old_token = Rs256({});
  ASSERT_TRUE(verifier->Verify(old_token).ok());

  const testing::Pkey next = testing::GenerateRsaKey();
  testing::WriteJwksFile(jwks_path_, {{next.get(), "rsa-2", ""}});
  const std::string new_token =
      testing::MintJwt(next.get(), "RS256", "rsa-2", Claims().Json());
  // Looked at no more than once a second.
  ExpectUnauthenticated(*verifier, new_token, "kid");
  EXPECT_TRUE(verifier->Verify(old_token).ok());

  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(verifier->Verify(new_token).ok());
  ExpectUnauthenticated(*verifier, old_token, "kid");
}

TEST_F(OidcVerifierTest, ABrokenJwksFileKeepsThePreviousKeys) {
  const auto verifier =
      Verifier({Provider()}, {.jwks_check_interval = absl::ZeroDuration()});
  const std::string token = Rs256({});
  {
    std::ofstream out(jwks_path_, std::ios::trunc);
    out << R"({"keys":[{"kty":"RSA","n":"oops"})";
  }
  EXPECT_TRUE(verifier->Verify(token).ok());
  std::remove(jwks_path_.c_str());
  EXPECT_TRUE(verifier->Verify(token).ok());

  // Fixed: the new keys apply.
  const testing::Pkey next = testing::GenerateEcKey();
  testing::WriteJwksFile(jwks_path_, {{next.get(), "ec-2", ""}});
  EXPECT_TRUE(verifier
                  ->Verify(testing::MintJwt(next.get(), "ES256", "ec-2",
                                            Claims().Json()))
                  .ok());
  ExpectUnauthenticated(*verifier, token, "kid");
}

// Verify calls on several threads while the JWKS file is rewritten again
// and again: a token of a key every version holds always verifies, and a
// reload never frees keys a Verify is still using (under the sanitizers).
TEST_F(OidcVerifierTest, VerifiesWhileTheJwksIsReplaced) {
  const auto verifier =
      Verifier({Provider()}, {.jwks_check_interval = absl::ZeroDuration()});
  const testing::Pkey extra = testing::GenerateEcKey();
  const std::string rs256 = Rs256({});
  const std::string es256 = Es256({});
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      while (!done.load()) {
        if (!verifier->Verify(t % 2 == 0 ? rs256 : es256).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    std::vector<testing::JwksKey> keys = {{rsa_, "rsa-1", ""},
                                          {ec_, "ec-1", ""}};
    if (i % 2 == 0) keys.push_back({extra.get(), "ec-2", ""});
    testing::WriteJwksFile(jwks_path_, keys);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(OidcVerifierTest, CreateFailsOnAnUnusableJwksFile) {
  OidcProvider provider = Provider();
  provider.set_jwks_file(dir_.File("missing.json"));
  absl::StatusOr<std::unique_ptr<OidcVerifier>> verifier =
      OidcVerifier::Create({provider}, &clock_);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(verifier.status().message(), dir_.File("missing.json")))
      << verifier.status();

  const std::string broken = dir_.File("broken.json");
  std::ofstream(broken) << "{\"keys\": [";
  provider.set_jwks_file(broken);
  verifier = OidcVerifier::Create({provider}, &clock_);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(verifier.status().message(), broken + ": "))
      << verifier.status();

  const std::string empty = dir_.File("empty.json");
  std::ofstream(empty) << R"({"keys":[]})";
  provider.set_jwks_file(empty);
  verifier = OidcVerifier::Create({provider}, &clock_);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);

  verifier = OidcVerifier::Create({Provider(), Provider()}, &clock_);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(verifier.status().message(), kIssuer));
}

TEST(OidcLooksLikeJwtTest, TellsTokensFromOtherCredentials) {
  EXPECT_TRUE(OidcVerifier::LooksLikeJwt(
      testing::AssembleJwt(R"({"alg":"RS256"})", "{}", "sig")));
  EXPECT_TRUE(OidcVerifier::LooksLikeJwt("eyJhbGciOiJub25lIn0.e30."));
  for (const char* other :
       {"", "rk_live_0123456789abcdef", "eyJ", "eyJ.a", "eyJ.a.b.c",
        "abc.def.ghi", "eyJ a.b.c", "eyJ+.b.c", "eyJ=.e30.x"}) {
    EXPECT_FALSE(OidcVerifier::LooksLikeJwt(other)) << other;
  }
}

}  // namespace
}  // namespace rapport::auth
