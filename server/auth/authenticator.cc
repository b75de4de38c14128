#include "server/auth/authenticator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace rapport::auth {

Authenticator::Authenticator(ApiKeyVerifier* keys, TokenVerifier oidc,
                             std::vector<CertRule> cert_rules,
                             const Clock* clock)
    : keys_(keys),
      oidc_(std::move(oidc)),
      cert_rules_(std::move(cert_rules)),
      clock_(clock) {}

absl::StatusOr<Principal> Authenticator::VerifyToken(
    absl::string_view token) const {
  const std::string digest = Sha256Hex(token);
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = tokens_.find(digest);
    if (it != tokens_.end() && now - it->second.verified < kTokenCacheTtl &&
        now >= it->second.verified) {
      return it->second.principal;
    }
  }
  absl::StatusOr<Principal> principal = oidc_(token);
  if (principal.ok()) {
    absl::MutexLock lock(&mu_);
    if (tokens_.size() >= kMaxCachedTokens) tokens_.clear();
    tokens_[digest] = CachedToken{*principal, now};
  }
  return principal;
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const Credentials& credentials) const {
  if (credentials.authorization.has_value()) {
    absl::string_view value = *credentials.authorization;
    constexpr absl::string_view kBearer = "bearer ";
    if (value.size() <= kBearer.size() ||
        !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
      return absl::UnauthenticatedError("authorization is not a bearer token");
    }
    absl::string_view token =
        absl::StripAsciiWhitespace(value.substr(kBearer.size()));
    if (absl::StartsWith(token, kApiKeyPrefix)) return keys_->Verify(token);
    if (oidc_) return VerifyToken(token);
    return absl::UnauthenticatedError("bearer token is not an API key");
  }
  for (const CertRule& rule : cert_rules_) {
    const bool matches =
        rule.uri_san.empty()
            ? !credentials.cert_subject.empty() &&
                  credentials.cert_subject == rule.subject
            : std::find(credentials.cert_uris.begin(),
                        credentials.cert_uris.end(),
                        rule.uri_san) != credentials.cert_uris.end();
    if (matches) return rule.principal;
  }
  if (!credentials.cert_uris.empty() || !credentials.cert_subject.empty()) {
    return absl::UnauthenticatedError("client certificate maps to no rule");
  }
  return absl::UnauthenticatedError("no credential");
}

}  // namespace rapport::auth
