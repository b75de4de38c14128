#include "server/auth/jose.h"

#include <openssl/evp.h>

#include <optional>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/common/jwt_testing.h"

namespace rapport::auth::internal {
namespace {

constexpr absl::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string RandomBytes(std::mt19937& rng, size_t size) {
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

TEST(Base64UrlTest, DecodesWhatIsEncoded) {
  std::mt19937 rng(7);
  for (size_t size = 0; size < 200; ++size) {
    const std::string bytes = RandomBytes(rng, size);
    const std::optional<std::string> decoded =
        Base64UrlDecode(testing::Base64Url(bytes));
    ASSERT_TRUE(decoded.has_value()) << size;
    EXPECT_EQ(*decoded, bytes);
  }
}

// Base64url decoding is one-to-one: replacing any character of an encoding
// by any other either fails to decode or decodes to other bytes. (Without
// the canonical check, a last character differing only in unused bits
// would decode to the same bytes.)
TEST(Base64UrlTest, EveryByteStringHasOneSpelling) {
  std::mt19937 rng(11);
  for (size_t size = 1; size < 40; ++size) {
    const std::string bytes = RandomBytes(rng, size);
    const std::string text = testing::Base64Url(bytes);
    for (size_t i = 0; i < text.size(); ++i) {
      for (const char c : kAlphabet) {
        if (c == text[i]) continue;
        std::string changed = text;
        changed[i] = c;
        const std::optional<std::string> decoded = Base64UrlDecode(changed);
        EXPECT_TRUE(!decoded.has_value() || *decoded != bytes) << changed;
      }
    }
  }
}

TEST(Base64UrlTest, RefusesPaddingOtherAlphabetsAndStrayCharacters) {
  EXPECT_EQ(Base64UrlDecode("QQ"), "A");
  EXPECT_EQ(Base64UrlDecode(""), "");
  for (const char* text : {"QR", "QQ==", "QQ=", "Q", "QUJD\n", " QUJD", "QU JD",
                           "a+b/", "QUJ.", "QUJDRA=", "QUJDRB"}) {
    EXPECT_FALSE(Base64UrlDecode(text).has_value()) << text;
  }
}

TEST(ParseJwksTest, ReadsRsaAndEcKeys) {
  const testing::Pkey rsa = testing::GenerateRsaKey();
  const testing::Pkey ec = testing::GenerateEcKey();
  const absl::StatusOr<std::shared_ptr<const KeySet>> keys = ParseJwks(
      testing::JwksJson({{rsa.get(), "r", "RS256"}, {ec.get(), "e", ""}}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ((*keys)->keys.size(), 2u);
  EXPECT_EQ((*keys)->keys[0].kid, "r");
  EXPECT_EQ((*keys)->keys[0].algorithm, JwsAlgorithm::kRs256);
  EXPECT_EQ(EVP_PKEY_eq((*keys)->keys[0].key.get(), rsa.get()), 1);
  EXPECT_EQ((*keys)->keys[1].kid, "e");
  EXPECT_EQ((*keys)->keys[1].algorithm, JwsAlgorithm::kEs256);
  EXPECT_EQ(EVP_PKEY_eq((*keys)->keys[1].key.get(), ec.get()), 1);
}

TEST(ParseJwksTest, SkipsKeysItCannotUse) {
  const testing::Pkey rsa = testing::GenerateRsaKey();
  const std::string good = testing::JwksJson({{rsa.get(), "good", ""}});
  // The good key's object, then others spliced in front of it.
  const std::string good_key = good.substr(9, good.rfind(']') - 9);
  const std::string jwks = absl::StrCat(
      R"({"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"hmac"},)",
      R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},)",
      R"({"kty":"EC","crv":"P-384","x":"AA","y":"AA"},)",
      R"({"kty":"RSA","use":"enc","n":"AA","e":"AQAB"},)",
      R"({"kty":"RSA","alg":"RS512","n":"AA","e":"AQAB"},)", good_key,
      R"(],"extra":1})");
  const absl::StatusOr<std::shared_ptr<const KeySet>> keys = ParseJwks(jwks);
  ASSERT_TRUE(keys.ok()) << keys.status() << "\n" << jwks;
  ASSERT_EQ((*keys)->keys.size(), 1u);
  EXPECT_EQ((*keys)->keys[0].kid, "good");
}

TEST(ParseJwksTest, RefusesMalformedKeysAndEmptySets) {
  const testing::Pkey small = testing::GenerateRsaKey(1024);
  const testing::Pkey ec = testing::GenerateEcKey();
  std::string short_x = testing::JwksJson({{ec.get(), "e", ""}});
  // Drops the first character of x: 31 bytes and a bit.
  short_x.erase(short_x.find("\"x\":\"") + 5, 1);
  const struct {
    std::string jwks;
    std::string message;
  } cases[] = {
      {"", "not a JWKS"},
      {"[]", "not a JWKS"},
      {R"({"keys":{}})", ""},  // Protobuf reads {} as an empty list.
      {R"({"keys":[]})", "no RS256"},
      {R"({"keys":[{"kty":"oct","k":"AA"}]})", "no RS256"},
      {testing::JwksJson({{small.get(), "s", ""}}), "1024 bits"},
      {R"({"keys":[{"kty":"RSA","kid":"k","n":"","e":"AQAB"}]})", "keys[0]"},
      {R"({"keys":[{"kty":"RSA","kid":"k","n":"AA==","e":"AQAB"}]})",
       "keys[0]"},
      {short_x, "keys[0]"},
      {R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]})",
       "not a point of P-256"},
  };
  for (const auto& c : cases) {
    const absl::StatusOr<std::shared_ptr<const KeySet>> keys =
        ParseJwks(c.jwks);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument)
        << c.jwks;
    EXPECT_TRUE(absl::StrContains(keys.status().message(), c.message))
        << keys.status() << " for " << c.jwks;
  }
}

TEST(JwsAlgorithmTest, OnlyRs256AndEs256) {
  EXPECT_EQ(ParseJwsAlgorithm("RS256"), JwsAlgorithm::kRs256);
  EXPECT_EQ(ParseJwsAlgorithm("ES256"), JwsAlgorithm::kEs256);
  for (const char* name : {"none", "None", "HS256", "HS384", "HS512", "RS384",
                           "PS256", "ES384", "EdDSA", "rs256", ""}) {
    EXPECT_FALSE(ParseJwsAlgorithm(name).has_value()) << name;
  }
}

}  // namespace
}  // namespace rapport::auth::internal
