#include "server/auth/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <climits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "rapport/config/v1/auth.pb.h"

namespace rapport::auth::internal {
namespace {

// RFC 7518 section 3.3 asks for at least 2048 bits; beyond 8192 a key
// would only make verification slow.
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr size_t kP256CoordinateBytes = 32;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using UniqueBn = std::unique_ptr<BIGNUM, BnFree>;
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using UniquePkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Base64UrlEncode(absl::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
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

// A public key of type `type` ("RSA", "EC") from `params`, checked.
UniquePkey FromData(const char* type, OSSL_PARAM* params) {
  UniquePkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return nullptr;
  }
  UniquePkey key(raw);
  UniquePkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return nullptr;
  }
  return key;
}

absl::StatusOr<UniquePkey> RsaKey(const config::v1::Jwk& jwk) {
  const std::optional<std::string> n = Base64UrlDecode(jwk.n());
  const std::optional<std::string> e = Base64UrlDecode(jwk.e());
  if (!n.has_value() || n->empty() || !e.has_value() || e->empty()) {
    return absl::InvalidArgumentError("n and e must be base64url integers");
  }
  UniqueBn bn_n(BN_bin2bn(Bytes(*n), static_cast<int>(n->size()), nullptr));
  UniqueBn bn_e(BN_bin2bn(Bytes(*e), static_cast<int>(e->size()), nullptr));
  if (bn_n == nullptr || bn_e == nullptr) {
    return absl::ResourceExhaustedError("out of memory");
  }
  const int bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return absl::InvalidArgumentError(
        absl::StrCat("an RSA modulus of ", bits, " bits (", kMinRsaBits, " to ",
                     kMaxRsaBits, " accepted)"));
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) !=
          1) {
    return absl::ResourceExhaustedError("out of memory");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(
      OSSL_PARAM_BLD_to_param(bld.get()));
  if (params == nullptr) return absl::ResourceExhaustedError("out of memory");
  UniquePkey key = FromData("RSA", params.get());
  if (key == nullptr) return absl::InvalidArgumentError("not an RSA key");
  return key;
}

absl::StatusOr<UniquePkey> EcKey(const config::v1::Jwk& jwk) {
  const std::optional<std::string> x = Base64UrlDecode(jwk.x());
  const std::optional<std::string> y = Base64UrlDecode(jwk.y());
  if (!x.has_value() || x->size() != kP256CoordinateBytes || !y.has_value() ||
      y->size() != kP256CoordinateBytes) {
    return absl::InvalidArgumentError(
        "x and y must be base64url coordinates of 32 bytes");
  }
  // The uncompressed point: 0x04 || x || y (SEC 1, section 2.3.3).
  std::string point = absl::StrCat("\x04", *x, *y);
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()),
      OSSL_PARAM_construct_end(),
  };
  UniquePkey key = FromData("EC", params);
  if (key == nullptr) {
    return absl::InvalidArgumentError("not a point of P-256");
  }
  return key;
}

}  // namespace

void PkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

std::optional<std::string> Base64UrlDecode(absl::string_view text) {
  if (text.size() % 4 == 1 || text.size() > INT_MAX / 2) return std::nullopt;
  std::string standard;
  standard.reserve(text.size() + 3);
  for (const char c : text) {
    if (absl::ascii_isalnum(c)) {
      standard += c;
    } else if (c == '-') {
      standard += '+';
    } else if (c == '_') {
      standard += '/';
    } else {
      return std::nullopt;
    }
  }
  const size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::string bytes(standard.size() / 4 * 3, '\0');
  const int length =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                      Bytes(standard), static_cast<int>(standard.size()));
  if (length < 0 || static_cast<size_t>(length) < padding) return std::nullopt;
  bytes.resize(static_cast<size_t>(length) - padding);
  // Unused low bits of the last character must be zero: only the one
  // spelling that encodes these bytes is accepted.
  if (Base64UrlEncode(bytes) != text) return std::nullopt;
  return bytes;
}

std::optional<JwsAlgorithm> ParseJwsAlgorithm(absl::string_view name) {
  if (name == "RS256") return JwsAlgorithm::kRs256;
  if (name == "ES256") return JwsAlgorithm::kEs256;
  return std::nullopt;
}

absl::StatusOr<std::shared_ptr<const KeySet>> ParseJwks(
    absl::string_view text) {
  config::v1::Jwks jwks;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &jwks, options);
  if (!status.ok()) {
    const absl::string_view message(status.message().data(),
                                    status.message().size());
    return absl::InvalidArgumentError(
        absl::StrCat("not a JWKS: ", message.substr(0, message.find('\n'))));
  }
  auto keys = std::make_shared<KeySet>();
  for (int i = 0; i < jwks.keys_size(); ++i) {
    const config::v1::Jwk& jwk = jwks.keys(i);
    if (!jwk.use().empty() && jwk.use() != "sig") continue;
    absl::StatusOr<UniquePkey> key;
    Jwk entry;
    entry.kid = jwk.kid();
    if (jwk.kty() == "RSA") {
      entry.algorithm = JwsAlgorithm::kRs256;
      if (!jwk.alg().empty() && jwk.alg() != "RS256") continue;
      key = RsaKey(jwk);
    } else if (jwk.kty() == "EC" && jwk.crv() == "P-256") {
      entry.algorithm = JwsAlgorithm::kEs256;
      if (!jwk.alg().empty() && jwk.alg() != "ES256") continue;
      key = EcKey(jwk);
    } else {
      continue;
    }
    ERR_clear_error();
    if (!key.ok()) {
      return absl::Status(key.status().code(),
                          absl::StrCat("keys[", i, "] (kid \"", jwk.kid(),
                                       "\"): ", key.status().message()));
    }
    entry.key = *std::move(key);
    keys->keys.push_back(std::move(entry));
  }
  if (keys->keys.empty()) {
    return absl::InvalidArgumentError(
        "no RS256 (RSA) or ES256 (EC P-256) signing key");
  }
  return std::shared_ptr<const KeySet>(std::move(keys));
}

bool VerifySignature(JwsAlgorithm algorithm, EVP_PKEY* key,
                     absl::string_view signing_input,
                     absl::string_view signature) {
  std::string der;
  if (algorithm == JwsAlgorithm::kEs256) {
    if (!EVP_PKEY_is_a(key, "EC")) return false;
    // JWS carries r || s (RFC 7518 section 3.4); OpenSSL wants DER.
    if (signature.size() != 2 * kP256CoordinateBytes) return false;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
    UniqueBn r(BN_bin2bn(Bytes(signature), kP256CoordinateBytes, nullptr));
    UniqueBn s(BN_bin2bn(Bytes(signature) + kP256CoordinateBytes,
                         kP256CoordinateBytes, nullptr));
    if (sig == nullptr || r == nullptr || s == nullptr ||
        ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
      return false;
    }
    r.release();  // Owned by sig now.
    s.release();
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0) return false;
    der.resize(length);
    unsigned char* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != length) return false;
    signature = der;
  } else if (!EVP_PKEY_is_a(key, "RSA")) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by ctx.
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SHA256", nullptr,
                                    nullptr, key, nullptr) == 1;
  if (ok && algorithm == JwsAlgorithm::kRs256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                              Bytes(signing_input), signing_input.size()) == 1;
  // A refused signature leaves errors on the thread's queue.
  ERR_clear_error();
  return ok;
}

}  // namespace rapport::auth::internal
