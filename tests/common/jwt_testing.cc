#include "tests/common/jwt_testing.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rapport::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "jwt_testing: %s failed\n", what);
    std::abort();
  }
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The big-endian bytes of `key`'s BIGNUM parameter `name`, left-padded with
// zeros to `width` bytes (0: as short as possible).
std::string BnParam(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* bn = nullptr;
  Check(EVP_PKEY_get_bn_param(key, name, &bn) == 1, name);
  const int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(size, '\0');
  Check(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) ==
            size,
        "BN_bn2binpad");
  BN_free(bn);
  return out;
}

std::string Sign(EVP_PKEY* key, absl::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Check(ctx != nullptr, "EVP_MD_CTX_new");
  Check(EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key,
                              nullptr) == 1,
        "EVP_DigestSignInit_ex");
  size_t length = 0;
  Check(EVP_DigestSign(ctx, nullptr, &length, Bytes(input), input.size()) == 1,
        "EVP_DigestSign");
  std::string signature(length, '\0');
  Check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()),
                       &length, Bytes(input), input.size()) == 1,
        "EVP_DigestSign");
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  return signature;
}

// An ECDSA signature in DER as JWS carries it: r || s, 32 bytes each.
std::string DerToRawEcdsa(const std::string& der) {
  const unsigned char* p = Bytes(der);
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  Check(sig != nullptr, "d2i_ECDSA_SIG");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  Check(BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32) == 32 &&
            BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32) == 32,
        "BN_bn2binpad");
  ECDSA_SIG_free(sig);
  return raw;
}

std::string JsonString(absl::string_view s) {
  // Key ids and algorithm names in tests are plain ASCII.
  return absl::StrCat("\"", s, "\"");
}

}  // namespace

void PkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

Pkey GenerateRsaKey(int bits) {
  Pkey key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  Check(key != nullptr, "EVP_RSA_gen");
  return key;
}

Pkey GenerateEcKey() {
  Pkey key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

std::string Base64Url(absl::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      Bytes(bytes), static_cast<int>(bytes.size()));
  out.resize(length);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string JwksJson(const std::vector<JwksKey>& keys) {
  std::vector<std::string> jwks;
  for (const JwksKey& entry : keys) {
    std::string jwk;
    if (EVP_PKEY_is_a(entry.key, "RSA")) {
      jwk = absl::StrCat(
          R"({"kty":"RSA","use":"sig","n":")",
          Base64Url(BnParam(entry.key, OSSL_PKEY_PARAM_RSA_N, 0)), R"(","e":")",
          Base64Url(BnParam(entry.key, OSSL_PKEY_PARAM_RSA_E, 0)), "\"");
    } else {
      Check(EVP_PKEY_is_a(entry.key, "EC"), "an RSA or EC key");
      jwk = absl::StrCat(
          R"({"kty":"EC","use":"sig","crv":"P-256","x":")",
          Base64Url(BnParam(entry.key, OSSL_PKEY_PARAM_EC_PUB_X, 32)),
          R"(","y":")",
          Base64Url(BnParam(entry.key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)), "\"");
    }
    if (!entry.kid.empty())
      absl::StrAppend(&jwk, ",\"kid\":", JsonString(entry.kid));
    if (!entry.alg.empty())
      absl::StrAppend(&jwk, ",\"alg\":", JsonString(entry.alg));
    jwks.push_back(absl::StrCat(jwk, "}"));
  }
  return absl::StrCat("{\"keys\":[", absl::StrJoin(jwks, ","), "]}\n");
}

void WriteJwksFile(const std::string& path, const std::vector<JwksKey>& keys) {
  const std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << JwksJson(keys);
    Check(static_cast<bool>(out), "writing the JWKS file");
  }
  std::filesystem::rename(temporary, path);
}

std::string PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  Check(length > 0, "i2d_PUBKEY");
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

std::string PublicKeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr && PEM_write_bio_PUBKEY(bio, key) == 1,
        "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string out(data, length);
  BIO_free(bio);
  return out;
}

std::string AssembleJwt(absl::string_view header_json,
                        absl::string_view payload_json,
                        absl::string_view signature) {
  return absl::StrCat(Base64Url(header_json), ".", Base64Url(payload_json), ".",
                      Base64Url(signature));
}

std::string JwtHeader(absl::string_view alg, absl::string_view kid) {
  std::string header =
      absl::StrCat("{\"alg\":", JsonString(alg), ",\"typ\":\"JWT\"");
  if (!kid.empty()) absl::StrAppend(&header, ",\"kid\":", JsonString(kid));
  return absl::StrCat(header, "}");
}

std::string MintJwt(EVP_PKEY* key, absl::string_view alg, absl::string_view kid,
                    absl::string_view payload_json) {
  const std::string input = absl::StrCat(Base64Url(JwtHeader(alg, kid)), ".",
                                         Base64Url(payload_json));
  std::string signature = Sign(key, input);
  if (alg == "ES256") signature = DerToRawEcdsa(signature);
  return absl::StrCat(input, ".", Base64Url(signature));
}

std::string MintUnsignedJwt(absl::string_view kid,
                            absl::string_view payload_json) {
  std::string header = "{\"alg\":\"none\"";
  if (!kid.empty()) absl::StrAppend(&header, ",\"kid\":", JsonString(kid));
  return AssembleJwt(absl::StrCat(header, "}"), payload_json, "");
}

std::string MintHs256Jwt(absl::string_view secret, absl::string_view kid,
                         absl::string_view payload_json) {
  const std::string input = absl::StrCat(Base64Url(JwtHeader("HS256", kid)),
                                         ".", Base64Url(payload_json));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Check(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             Bytes(input), input.size(), mac, &length) != nullptr,
        "HMAC");
  return absl::StrCat(
      input, ".",
      Base64Url(absl::string_view(reinterpret_cast<char*>(mac), length)));
}

}  // namespace rapport::testing
