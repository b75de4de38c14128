#include "server/auth/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/common/serial_executor.h"

namespace rapport::auth {
namespace {

constexpr size_t kKeyIdBytes = 8;
constexpr size_t kSecretBytes = 32;  // 256 bits.
constexpr size_t kSecretChars = 43;  // Unpadded base64url of 32 bytes.

bool IsBase64Url(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(why);
}

}  // namespace

absl::StatusOr<GeneratedKey> GenerateApiKey() {
  unsigned char id[kKeyIdBytes];
  unsigned char secret[kSecretBytes];
  if (RAND_bytes(id, sizeof(id)) != 1 ||
      RAND_bytes(secret, sizeof(secret)) != 1) {
    return absl::InternalError("the random generator failed");
  }
  GeneratedKey key;
  key.key_id = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(id), sizeof(id)));
  key.secret = absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(secret), sizeof(secret)));
  OPENSSL_cleanse(secret, sizeof(secret));
  key.token = absl::StrCat(kApiKeyPrefix, key.key_id, "_", key.secret);
  key.secret_sha256_hex = Sha256Hex(key.secret);
  return key;
}

absl::StatusOr<IssuedKey> NewApiKey(const KeySpec& spec, absl::Time now) {
  absl::StatusOr<GeneratedKey> generated = GenerateApiKey();
  if (!generated.ok()) return generated.status();
  IssuedKey issued;
  issued.token = generated->token;
  store::ApiKeyRecord& record = issued.record;
  record.key_id = generated->key_id;
  record.tenant = spec.tenant;
  record.name = spec.name;
  record.role = std::string(RoleName(spec.role));
  record.teams = spec.teams;
  record.member_id = spec.member_id;
  record.secret_sha256_hex = generated->secret_sha256_hex;
  record.create_time = now;
  record.expire_time = spec.expire_time;
  record.created_by = spec.created_by;
  return issued;
}

absl::StatusOr<std::string> BootstrapAdminKey(store::Store& store,
                                              const store::TenantId& tenant,
                                              absl::Time now) {
  KeySpec spec;
  spec.tenant = tenant;
  spec.name = "bootstrap admin";
  spec.role = Role::kAdmin;
  spec.created_by = "rapportd --bootstrap_admin_key";
  absl::StatusOr<IssuedKey> key = NewApiKey(spec, now);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::optional<store::TenantRecord>> existing =
      store.FindTenant(tenant);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if (absl::Status s = store.InsertApiKey(key->record); !s.ok()) return s;
  } else {
    store::TenantRecord record;
    record.tenant_id = tenant;
    record.display_name = tenant;
    record.create_time = now;
    absl::StatusOr<store::TenantRecord> created =
        store.CreateTenant(record, &key->record);
    if (!created.ok()) return created.status();
  }
  return key->token;
}

std::optional<ParsedKey> ParseApiKey(absl::string_view token) {
  if (token.size() !=
          kApiKeyPrefix.size() + 2 * kKeyIdBytes + 1 + kSecretChars ||
      token.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) {
    return std::nullopt;
  }
  token.remove_prefix(kApiKeyPrefix.size());
  ParsedKey parsed{token.substr(0, 2 * kKeyIdBytes),
                   token.substr(2 * kKeyIdBytes + 1)};
  if (token[2 * kKeyIdBytes] != '_' ||
      !std::all_of(parsed.key_id.begin(), parsed.key_id.end(), IsLowerHex) ||
      !std::all_of(parsed.secret.begin(), parsed.secret.end(), IsBase64Url)) {
    return std::nullopt;
  }
  return parsed;
}

std::optional<Principal> PrincipalOfKey(const store::ApiKeyRecord& key,
                                        bool operator_tenant) {
  std::optional<Role> role = ParseRole(key.role);
  if (!role.has_value()) return std::nullopt;
  Principal principal;
  principal.tenant = key.tenant;
  principal.role = *role;
  principal.id = absl::StrCat("key:", key.key_id);
  if (*role == Role::kManager) {
    if (key.teams.empty()) return std::nullopt;
    principal.teams = key.teams;
    std::sort(principal.teams.begin(), principal.teams.end());
    principal.teams.erase(
        std::unique(principal.teams.begin(), principal.teams.end()),
        principal.teams.end());
  }
  if (*role == Role::kRep) {
    if (key.member_id.empty()) return std::nullopt;
    principal.member_id = key.member_id;
  }
  principal.operator_admin = operator_tenant && *role == Role::kAdmin;
  return principal;
}

ApiKeyVerifier::ApiKeyVerifier(store::Store* store, const Clock* clock,
                               SerialExecutor* writer,
                               ApiKeyVerifierOptions options)
    : store_(store), clock_(clock), writer_(writer), options_(options) {}

absl::StatusOr<std::shared_ptr<ApiKeyVerifier::Entry>> ApiKeyVerifier::Fetch(
    const std::string& key_id) {
  auto shared = std::make_shared<Entry>();
  Entry& entry = *shared;
  entry.fetched = clock_->Now();
  absl::StatusOr<std::optional<store::ApiKeyRecord>> record =
      store_->FindApiKey(key_id);
  if (!record.ok()) {
    return absl::UnavailableError("the key store cannot be read");
  }
  entry.record = *std::move(record);
  if (entry.record.has_value()) {
    absl::StatusOr<std::optional<store::TenantRecord>> tenant =
        store_->FindTenant(entry.record->tenant);
    if (!tenant.ok()) {
      return absl::UnavailableError("the key store cannot be read");
    }
    if (tenant->has_value()) {
      entry.principal =
          PrincipalOfKey(*entry.record, (*tenant)->operator_tenant);
    }
    entry.last_use_written =
        entry.record->last_use_time.value_or(absl::InfinitePast());
  }
  return shared;
}

absl::StatusOr<Principal> ApiKeyVerifier::Verify(absl::string_view token) {
  std::optional<ParsedKey> parsed = ParseApiKey(token);
  if (!parsed.has_value()) return Unauthenticated("malformed API key");
  const std::string key_id(parsed->key_id);
  const absl::Time now = clock_->Now();

  std::shared_ptr<Entry> shared;
  absl::Time last_use_written;
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key_id);
    // A record fetched "after" now (the clock stepped back) is read again,
    // so that a step back does not stretch how long it is trusted.
    if (it != cache_.end() && now >= it->second->fetched &&
        now - it->second->fetched < options_.cache_ttl) {
      shared = it->second;
      last_use_written = shared->last_use_written;
    }
  }
  if (shared == nullptr) {
    absl::StatusOr<std::shared_ptr<Entry>> fetched = Fetch(key_id);
    if (!fetched.ok()) return fetched.status();
    shared = *std::move(fetched);
    last_use_written = shared->last_use_written;
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= options_.max_cached) cache_.clear();
    cache_[key_id] = shared;
  }
  const Entry& entry = *shared;

  if (!entry.record.has_value()) return Unauthenticated("unknown API key");
  const store::ApiKeyRecord& record = *entry.record;
  const std::string digest = Sha256Hex(parsed->secret);
  if (digest.size() != record.secret_sha256_hex.size() ||
      CRYPTO_memcmp(digest.data(), record.secret_sha256_hex.data(),
                    digest.size()) != 0) {
    return Unauthenticated("API key secret does not match");
  }
  if (record.revoke_time.has_value()) {
    return Unauthenticated("revoked API key");
  }
  if (record.expire_time.has_value() && *record.expire_time <= now) {
    return Unauthenticated("expired API key");
  }
  if (!entry.principal.has_value()) {
    return Unauthenticated("API key of an unknown tenant or role");
  }

  if (now - last_use_written >= options_.last_use_resolution) {
    {
      absl::MutexLock lock(&mu_);
      shared->last_use_written = now;
    }
    auto record_use = [store = store_, key_id, now] {
      // Best effort: a failed write only leaves last_use_time older.
      (void)store->RecordApiKeyUse(key_id, now);
    };
    if (writer_ != nullptr) {
      writer_->Post(std::move(record_use));
    } else {
      record_use();
    }
  }
  return *entry.principal;
}

void ApiKeyVerifier::Invalidate(absl::string_view key_id) {
  absl::MutexLock lock(&mu_);
  cache_.erase(std::string(key_id));
}

}  // namespace rapport::auth
