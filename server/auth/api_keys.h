// API keys: `rpk_<key_id>_<secret>`, where key_id is 16 hex digits (public:
// it names the key in lists and revocations) and secret is 256 random bits
// in unpadded base64url. Only the secret's SHA-256 is stored; the whole key
// is shown once, when it is made.
#ifndef RAPPORT_SERVER_AUTH_API_KEYS_H_
#define RAPPORT_SERVER_AUTH_API_KEYS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/principal.h"
#include "server/common/clock.h"
#include "server/common/sha256.h"
#include "server/store/store.h"

namespace rapport {
class SerialExecutor;
}

namespace rapport::auth {

inline constexpr absl::string_view kApiKeyPrefix = "rpk_";

struct GeneratedKey {
  std::string key_id;
  std::string secret;             // Never stored.
  std::string token;              // rpk_<key_id>_<secret>: shown once.
  std::string secret_sha256_hex;  // What is stored.
};

// A new key from the operating system's random generator (OpenSSL
// RAND_bytes). INTERNAL if the generator fails.
absl::StatusOr<GeneratedKey> GenerateApiKey();

// What a new key is for.
struct KeySpec {
  store::TenantId tenant;
  std::string name;
  Role role = Role::kRep;
  std::vector<std::string> teams;  // kManager.
  std::string member_id;           // kRep.
  std::optional<absl::Time> expire_time;
  std::string created_by;
};

struct IssuedKey {
  std::string token;           // Shown once.
  store::ApiKeyRecord record;  // What is stored.
};

// A new key for `spec`, made at `now` (not stored yet).
absl::StatusOr<IssuedKey> NewApiKey(const KeySpec& spec, absl::Time now);

// An admin key of `tenant`, made offline against the store (the first key
// of a deployment): creates the tenant when it does not exist. Returns the
// key, to be shown once.
absl::StatusOr<std::string> BootstrapAdminKey(store::Store& store,
                                              const store::TenantId& tenant,
                                              absl::Time now);

struct ParsedKey {
  absl::string_view key_id;
  absl::string_view secret;
};
// The parts of `token`; nullopt unless it has the exact shape of a key.
std::optional<ParsedKey> ParseApiKey(absl::string_view token);

// The principal a stored key acts as; nullopt for a record whose role or
// scope does not parse (refused like an unknown key).
std::optional<Principal> PrincipalOfKey(const store::ApiKeyRecord& key,
                                        bool operator_tenant);

struct ApiKeyVerifierOptions {
  // How long a key read from the store is trusted before it is read again:
  // a key revoked through another server is refused within this time (one
  // revoked through this server at once).
  absl::Duration cache_ttl = absl::Seconds(10);
  // last_use_time is written at most this often per key.
  absl::Duration last_use_resolution = absl::Minutes(1);
  // Beyond this many cached ids (including unknown ones) the cache starts
  // over.
  size_t max_cached = 100000;
};

// Verifies presented keys against the store, through a cache so that a call
// normally does not touch the database. Thread-safe.
class ApiKeyVerifier {
 public:
  // `store` and `clock` must outlive the verifier; `writer` (may be null:
  // then in the calling thread) runs the last-use writes.
  ApiKeyVerifier(store::Store* store, const Clock* clock,
                 SerialExecutor* writer, ApiKeyVerifierOptions options = {});

  // The principal of `token`. UNAUTHENTICATED (with a message for the
  // server's log only) when it is malformed, unknown, revoked, expired or
  // its secret does not match; UNAVAILABLE when the store cannot be read.
  // The secret's digest is compared in constant time.
  absl::StatusOr<Principal> Verify(absl::string_view token);

  // Forgets the cached record of `key_id` (after a revocation here).
  void Invalidate(absl::string_view key_id);

 private:
  struct Entry {
    std::optional<store::ApiKeyRecord> record;  // nullopt: no such key.
    std::optional<Principal> principal;
    absl::Time fetched;
    absl::Time last_use_written;
  };
  absl::StatusOr<std::shared_ptr<Entry>> Fetch(const std::string& key_id);

  store::Store* const store_;
  const Clock* const clock_;
  SerialExecutor* const writer_;
  const ApiKeyVerifierOptions options_;
  absl::Mutex mu_;
  // Entries are immutable once cached but for last_use_written (guarded by
  // mu_ too).
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> cache_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_API_KEYS_H_
