#include "server/auth/oidc.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/auth/claims.h"
#include "server/auth/jose.h"
#include "server/common/status_macros.h"

namespace rapport::auth {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using internal::JwsAlgorithm;
using internal::KeySet;

namespace {

// Far above any real ID or access token, even one listing many groups.
constexpr size_t kMaxTokenBytes = 64 * 1024;
constexpr int kDefaultClockSkewSeconds = 60;

// What identifies one version of a JWKS file.
struct FileVersion {
  bool missing = false;
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtime_seconds = 0;
  int64_t mtime_nanos = 0;

  bool operator==(const FileVersion&) const = default;
};

std::optional<FileVersion> Stat(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  FileVersion version;
  version.device = st.st_dev;
  version.inode = st.st_ino;
  version.size = st.st_size;
  version.mtime_seconds = st.st_mtim.tv_sec;
  version.mtime_nanos = st.st_mtim.tv_nsec;
  return version;
}

// The keys of the JWKS file `path`; the messages name the file.
absl::StatusOr<std::shared_ptr<const KeySet>> ReadJwks(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code error;
  if (!in || std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  }
  const std::string text{std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>()};
  absl::StatusOr<std::shared_ptr<const KeySet>> keys =
      internal::ParseJwks(text);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", keys.status().message()));
  }
  return keys;
}

absl::Status Unauthenticated(absl::string_view message) {
  return absl::UnauthenticatedError(message);
}

bool IsBase64Url(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_';
}

// The JSON object `json` as a Struct; nullopt when it is not one.
std::optional<Struct> ParseObject(const std::string& json) {
  Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok()) {
    return std::nullopt;
  }
  return object;
}

const Value* Find(const Struct& object, const std::string& name) {
  const auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

// The claim `name` when it is a string; nullopt otherwise.
std::optional<std::string> StringField(const Struct& object,
                                       const std::string& name) {
  const Value* value = Find(object, name);
  if (value == nullptr || value->kind_case() != Value::kStringValue) {
    return std::nullopt;
  }
  return value->string_value();
}

bool AudienceMatches(const Value& aud,
                     const config::v1::OidcProvider& provider) {
  const auto accepted = [&](const std::string& value) {
    return std::find(provider.audiences().begin(), provider.audiences().end(),
                     value) != provider.audiences().end();
  };
  if (aud.kind_case() == Value::kStringValue) {
    return accepted(aud.string_value());
  }
  if (aud.kind_case() == Value::kListValue) {
    for (const Value& element : aud.list_value().values()) {
      if (element.kind_case() == Value::kStringValue &&
          accepted(element.string_value())) {
        return true;
      }
    }
  }
  return false;
}

// The key of `keys` that verifies `algorithm` under `kid`; with no kid, the
// only key of the algorithm's type. Null when none (or several) fit.
EVP_PKEY* FindKey(const KeySet& keys, JwsAlgorithm algorithm,
                  const std::optional<std::string>& kid) {
  EVP_PKEY* found = nullptr;
  for (const internal::Jwk& key : keys.keys) {
    if (key.algorithm != algorithm) continue;
    if (kid.has_value()) {
      if (key.kid == *kid) return key.key.get();
    } else {
      if (found != nullptr) return nullptr;
      found = key.key.get();
    }
  }
  return found;
}

}  // namespace

struct OidcVerifier::Provider {
  config::v1::OidcProvider config;
  std::vector<JwsAlgorithm> algorithms;
  absl::Duration clock_skew;

  absl::Mutex mu;
  std::shared_ptr<const KeySet> keys ABSL_GUARDED_BY(mu);
  // The file the keys came from (or, after a failed reload, the version
  // that failed, so that it is not read again until it changes).
  FileVersion version ABSL_GUARDED_BY(mu);
  absl::Time next_check ABSL_GUARDED_BY(mu);

  // The current keys, read again first if the file changed.
  std::shared_ptr<const KeySet> Keys(absl::Time now, absl::Duration interval);
};

std::shared_ptr<const KeySet> OidcVerifier::Provider::Keys(
    absl::Time now, absl::Duration interval) {
  {
    absl::MutexLock lock(&mu);
    if (now < next_check) return keys;
    next_check = now + interval;
  }
  // The file is looked at and read without the lock: Verify calls on other
  // threads go on with the current keys meanwhile.
  const std::string& path = config.jwks_file();
  std::optional<FileVersion> seen = Stat(path);
  if (!seen.has_value()) {
    seen = FileVersion{.missing = true};
  }
  {
    absl::MutexLock lock(&mu);
    if (*seen == version) return keys;
    // Claims this version: another thread seeing it does not read it too.
    version = *seen;
  }
  if (seen->missing) {
    std::fprintf(stderr,
                 "rapport auth: warning: JWKS file %s cannot be read; "
                 "keeping its previous keys\n",
                 path.c_str());
  } else if (absl::StatusOr<std::shared_ptr<const KeySet>> fresh =
                 ReadJwks(path);
             !fresh.ok()) {
    std::fprintf(stderr,
                 "rapport auth: warning: %s; keeping the previous keys of "
                 "issuer %s\n",
                 std::string(fresh.status().message()).c_str(),
                 config.issuer().c_str());
  } else {
    absl::MutexLock lock(&mu);
    keys = *std::move(fresh);
  }
  absl::MutexLock lock(&mu);
  return keys;
}

OidcVerifier::OidcVerifier(std::vector<std::unique_ptr<Provider>> providers,
                           const Clock* clock, Options options)
    : providers_(std::move(providers)), clock_(clock), options_(options) {}

OidcVerifier::~OidcVerifier() = default;

absl::StatusOr<std::unique_ptr<OidcVerifier>> OidcVerifier::Create(
    std::vector<config::v1::OidcProvider> providers, const Clock* clock) {
  return Create(std::move(providers), clock, Options());
}

absl::StatusOr<std::unique_ptr<OidcVerifier>> OidcVerifier::Create(
    std::vector<config::v1::OidcProvider> providers, const Clock* clock,
    Options options) {
  std::vector<std::unique_ptr<Provider>> built;
  absl::flat_hash_set<std::string> issuers;
  for (config::v1::OidcProvider& config : providers) {
    if (!issuers.insert(config.issuer()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two OIDC providers have the issuer \"", config.issuer(), "\""));
    }
    auto provider = std::make_unique<Provider>();
    for (const std::string& name : config.algorithms()) {
      const std::optional<JwsAlgorithm> algorithm =
          internal::ParseJwsAlgorithm(name);
      if (!algorithm.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("issuer \"", config.issuer(), "\": algorithm \"", name,
                         "\" is not RS256 or ES256"));
      }
      provider->algorithms.push_back(*algorithm);
    }
    if (provider->algorithms.empty()) {
      provider->algorithms = {JwsAlgorithm::kRs256, JwsAlgorithm::kEs256};
    }
    provider->clock_skew = absl::Seconds(config.has_clock_skew_seconds()
                                             ? config.clock_skew_seconds()
                                             : kDefaultClockSkewSeconds);
    // Looked at before it is read, so a change while reading is seen later.
    const std::optional<FileVersion> version = Stat(config.jwks_file());
    RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const KeySet> keys,
                             ReadJwks(config.jwks_file()));
    {
      absl::MutexLock lock(&provider->mu);
      provider->keys = std::move(keys);
      provider->version = version.value_or(FileVersion{.missing = true});
      provider->next_check = clock->Now() + options.jwks_check_interval;
    }
    provider->config = std::move(config);
    built.push_back(std::move(provider));
  }
  return std::unique_ptr<OidcVerifier>(
      new OidcVerifier(std::move(built), clock, options));
}

bool OidcVerifier::LooksLikeJwt(absl::string_view token) {
  // Every JWS header is a JSON object: '{"' encodes as "eyJ".
  if (!absl::StartsWith(token, "eyJ")) return false;
  int dots = 0;
  for (const char c : token) {
    if (c == '.') {
      ++dots;
    } else if (!IsBase64Url(c)) {
      return false;
    }
  }
  return dots == 2;
}

absl::StatusOr<Principal> OidcVerifier::Verify(absl::string_view token) const {
  if (token.size() > kMaxTokenBytes) {
    return Unauthenticated("token longer than 64 KiB");
  }
  const size_t first_dot = token.find('.');
  const size_t second_dot = first_dot == absl::string_view::npos
                                ? absl::string_view::npos
                                : token.find('.', first_dot + 1);
  if (second_dot == absl::string_view::npos ||
      token.find('.', second_dot + 1) != absl::string_view::npos) {
    return Unauthenticated("token is not a JWS in compact form");
  }
  const std::optional<std::string> header_json =
      internal::Base64UrlDecode(token.substr(0, first_dot));
  const std::optional<std::string> payload_json = internal::Base64UrlDecode(
      token.substr(first_dot + 1, second_dot - first_dot - 1));
  const std::optional<std::string> signature =
      internal::Base64UrlDecode(token.substr(second_dot + 1));
  if (!header_json.has_value() || !payload_json.has_value() ||
      !signature.has_value()) {
    return Unauthenticated("token segment is not canonical base64url");
  }
  const std::optional<Struct> header = ParseObject(*header_json);
  if (!header.has_value()) {
    return Unauthenticated("token header is not a JSON object");
  }
  const std::optional<std::string> alg = StringField(*header, "alg");
  const std::optional<JwsAlgorithm> algorithm =
      internal::ParseJwsAlgorithm(alg.value_or(""));
  if (!algorithm.has_value()) {
    return Unauthenticated(absl::StrCat("token algorithm \"", alg.value_or(""),
                                        "\" is not accepted"));
  }
  if (Find(*header, "crit") != nullptr) {
    return Unauthenticated("token header has critical extensions");
  }
  const Value* kid_value = Find(*header, "kid");
  if (kid_value != nullptr && kid_value->kind_case() != Value::kStringValue) {
    return Unauthenticated("token kid is not a string");
  }
  const std::optional<std::string> kid =
      kid_value == nullptr
          ? std::nullopt
          : std::optional<std::string>(kid_value->string_value());

  const std::optional<Struct> payload = ParseObject(*payload_json);
  if (!payload.has_value()) {
    return Unauthenticated("token payload is not a JSON object");
  }
  const std::optional<std::string> iss = StringField(*payload, "iss");
  if (!iss.has_value()) return Unauthenticated("token has no iss");
  const auto provider_it =
      std::find_if(providers_.begin(), providers_.end(),
                   [&](const auto& p) { return p->config.issuer() == *iss; });
  if (provider_it == providers_.end()) {
    return Unauthenticated(
        absl::StrCat("token issuer \"", *iss, "\" is not configured"));
  }
  Provider& provider = **provider_it;
  if (std::find(provider.algorithms.begin(), provider.algorithms.end(),
                *algorithm) == provider.algorithms.end()) {
    return Unauthenticated(absl::StrCat("token algorithm ", *alg,
                                        " is not accepted for issuer ", *iss));
  }

  const absl::Time now = clock_->Now();
  const std::shared_ptr<const KeySet> keys =
      provider.Keys(now, options_.jwks_check_interval);
  EVP_PKEY* key = FindKey(*keys, *algorithm, kid);
  if (key == nullptr) {
    return Unauthenticated(absl::StrCat("issuer ", *iss, " has no ", *alg,
                                        " key with kid \"",
                                        kid.value_or("(none)"), "\""));
  }
  if (!internal::VerifySignature(*algorithm, key, token.substr(0, second_dot),
                                 *signature)) {
    return Unauthenticated(
        absl::StrCat("token signature does not verify (issuer ", *iss,
                     ", kid \"", kid.value_or("(none)"), "\")"));
  }

  // NumericDate claims, compared in seconds since the epoch.
  const double now_seconds = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  const double skew_seconds = absl::ToDoubleSeconds(provider.clock_skew);
  const Value* exp = Find(*payload, "exp");
  if (exp == nullptr || exp->kind_case() != Value::kNumberValue) {
    return Unauthenticated("token has no numeric exp");
  }
  if (!(exp->number_value() > now_seconds - skew_seconds)) {
    return Unauthenticated(
        absl::StrFormat("token expired (exp %.0f)", exp->number_value()));
  }
  if (const Value* nbf = Find(*payload, "nbf"); nbf != nullptr) {
    if (nbf->kind_case() != Value::kNumberValue) {
      return Unauthenticated("token nbf is not a number");
    }
    if (!(nbf->number_value() <= now_seconds + skew_seconds)) {
      return Unauthenticated(absl::StrFormat("token not valid yet (nbf %.0f)",
                                             nbf->number_value()));
    }
  }
  const Value* aud = Find(*payload, "aud");
  if (aud == nullptr || !AudienceMatches(*aud, provider.config)) {
    return Unauthenticated(absl::StrCat("token audience is not one of issuer ",
                                        *iss, "'s audiences"));
  }
  const std::optional<std::string> sub = StringField(*payload, "sub");
  if (!sub.has_value() || sub->empty()) {
    return Unauthenticated("token has no sub");
  }
  return MapClaims(provider.config.claims(), *payload,
                   absl::StrCat("oidc:", *iss, "#", *sub));
}

}  // namespace rapport::auth
