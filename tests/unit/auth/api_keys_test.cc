// API keys, the access table and the authenticator, over a real SQLite store.
#include "server/auth/api_keys.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/access.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/store/sqlite_store.h"

namespace rapport::auth {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1764000000);

TEST(ApiKeyFormatTest, KeysAreUniqueWellFormedAndStoredOnlyAsADigest) {
  std::set<std::string> tokens, ids;
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<GeneratedKey> key = GenerateApiKey();
    ASSERT_TRUE(key.ok());
    std::optional<ParsedKey> parsed = ParseApiKey(key->token);
    ASSERT_TRUE(parsed.has_value()) << key->token;
    EXPECT_EQ(parsed->key_id, key->key_id);
    EXPECT_EQ(parsed->secret, key->secret);
    EXPECT_EQ(key->secret.size(), 43u);  // 256 bits, unpadded base64url.
    EXPECT_EQ(key->secret_sha256_hex, Sha256Hex(key->secret));
    EXPECT_EQ(key->secret_sha256_hex.size(), 64u);
    EXPECT_EQ(key->token.find(key->secret_sha256_hex), std::string::npos);
    tokens.insert(key->token);
    ids.insert(key->key_id);
  }
  EXPECT_EQ(tokens.size(), 1000u);
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(ApiKeyFormatTest, AnythingButTheExactShapeIsRefused) {
  absl::StatusOr<GeneratedKey> key = GenerateApiKey();
  ASSERT_TRUE(key.ok());
  const std::string good = key->token;
  for (const std::string& bad :
       {std::string(""), std::string("rpk_"), good.substr(1),
        good.substr(0, good.size() - 1), absl::StrCat(good, "A"),
        absl::StrCat("RPK_", good.substr(4)),
        absl::StrCat(good.substr(0, 4), "ABCDEF0123456789", good.substr(20)),
        absl::StrCat(good.substr(0, 20), "-", good.substr(21)),
        absl::StrCat(good.substr(0, 30), "+", good.substr(31)),
        absl::StrCat(good.substr(0, 30), "=", good.substr(31))}) {
    EXPECT_FALSE(ParseApiKey(bad).has_value()) << bad;
  }
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class ApiKeyVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteStoreOptions options;
    options.path = ":memory:";
    auto opened = store::SqliteStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    store::TenantRecord tenant;
    tenant.tenant_id = "acme";
    tenant.create_time = kNow;
    ASSERT_TRUE(store_->CreateTenant(tenant, nullptr).ok());
    tenant.tenant_id = "globex";
    ASSERT_TRUE(store_->CreateTenant(tenant, nullptr).ok());
  }

  std::string Issue(KeySpec spec) {
    absl::StatusOr<IssuedKey> key = NewApiKey(spec, clock_.Now());
    EXPECT_TRUE(key.ok());
    EXPECT_TRUE(store_->InsertApiKey(key->record).ok());
    return key->token;
  }

  KeySpec Spec(Role role, std::string tenant = "acme") {
    KeySpec spec;
    spec.tenant = std::move(tenant);
    spec.name = "test";
    spec.role = role;
    if (role == Role::kManager) spec.teams = {"south", "north", "north"};
    if (role == Role::kRep) spec.member_id = "n1";
    return spec;
  }

  FakeClock clock_{kNow};
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(ApiKeyVerifierTest, AValidKeyActsAsItsRoleAndScope) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr);
  for (Role role : {Role::kAdmin, Role::kIntegration, Role::kManager,
                    Role::kRep, Role::kMetrics}) {
    const std::string token = Issue(Spec(role));
    absl::StatusOr<Principal> p = verifier.Verify(token);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->tenant, "acme");
    EXPECT_EQ(p->role, role);
    EXPECT_EQ(p->id, absl::StrCat("key:", ParseApiKey(token)->key_id));
    // acme was created first: its admins are operator admins.
    EXPECT_EQ(p->operator_admin, role == Role::kAdmin);
    if (role == Role::kManager) {
      EXPECT_EQ(p->teams, (std::vector<std::string>{"north", "south"}));
    }
    if (role == Role::kRep) {
      EXPECT_EQ(p->member_id, "n1");
    }
  }
  absl::StatusOr<Principal> other =
      verifier.Verify(Issue(Spec(Role::kAdmin, "globex")));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->operator_admin);
}

TEST_F(ApiKeyVerifierTest, UnknownWrongRevokedAndExpiredKeysAreRefused) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr);
  const std::string token = Issue(Spec(Role::kAdmin));
  std::string wrong = token;
  wrong.back() = wrong.back() == 'x' ? 'y' : 'x';
  absl::StatusOr<GeneratedKey> never = GenerateApiKey();
  for (const std::string& bad : {wrong, never->token, std::string("rpk_x")}) {
    EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(bad).status())) << bad;
  }

  KeySpec expiring = Spec(Role::kRep);
  expiring.expire_time = kNow + absl::Hours(1);
  const std::string short_lived = Issue(expiring);
  EXPECT_TRUE(verifier.Verify(short_lived).ok());
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(short_lived).status()));

  // A revocation elsewhere is seen once the cached record is older than the
  // TTL; one through this verifier (Invalidate) at once.
  EXPECT_TRUE(verifier.Verify(token).ok());
  const std::string id(ParseApiKey(token)->key_id);
  ASSERT_TRUE(store_->RevokeApiKey("acme", id, clock_.Now()).ok());
  EXPECT_TRUE(verifier.Verify(token).ok()) << "still cached";
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(token).status()));

  const std::string second = Issue(Spec(Role::kAdmin));
  EXPECT_TRUE(verifier.Verify(second).ok());
  const std::string second_id(ParseApiKey(second)->key_id);
  ASSERT_TRUE(store_->RevokeApiKey("acme", second_id, clock_.Now()).ok());
  verifier.Invalidate(second_id);
  EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(second).status()));
}

// A clock stepped back must not stretch the cache's trust: a record cached
// "in the future" is read again, so that a key revoked elsewhere is not
// accepted until the clock has caught up with the time it was cached.
TEST_F(ApiKeyVerifierTest, ARevocationIsSeenWhenTheClockStepsBack) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr,
                          {.cache_ttl = absl::Seconds(10)});
  const std::string token = Issue(Spec(Role::kAdmin));
  EXPECT_TRUE(verifier.Verify(token).ok());
  const std::string id(ParseApiKey(token)->key_id);
  ASSERT_TRUE(store_->RevokeApiKey("acme", id, clock_.Now()).ok());
  clock_.Advance(-absl::Hours(1));
  EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(token).status()));
}

TEST_F(ApiKeyVerifierTest, LastUseIsRecordedAtMostOncePerResolution) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr,
                          {.cache_ttl = absl::Seconds(10),
                           .last_use_resolution = absl::Minutes(1)});
  const std::string token = Issue(Spec(Role::kIntegration));
  const std::string id(ParseApiKey(token)->key_id);
  auto last_use = [&] { return (*store_->FindApiKey(id))->last_use_time; };
  EXPECT_FALSE(last_use().has_value());
  ASSERT_TRUE(verifier.Verify(token).ok());
  EXPECT_EQ(last_use(), kNow);
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(verifier.Verify(token).ok());
  EXPECT_EQ(last_use(), kNow) << "within the resolution: not written again";
  clock_.Advance(absl::Seconds(31));
  ASSERT_TRUE(verifier.Verify(token).ok());
  EXPECT_EQ(last_use(), kNow + absl::Seconds(61));
}

TEST_F(ApiKeyVerifierTest, ConcurrentChecksAndRevocations) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr,
                          {.cache_ttl = absl::Seconds(10),
                           .last_use_resolution = absl::ZeroDuration(),
                           .max_cached = 3});
  std::vector<std::string> tokens;
  for (int i = 0; i < 8; ++i) tokens.push_back(Issue(Spec(Role::kRep)));
  const std::string revoked = tokens.back();
  const std::string revoked_id(ParseApiKey(revoked)->key_id);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !done.load(); ++i) {
        const std::string& token = tokens[(t + i) % (tokens.size() - 1)];
        if (!verifier.Verify(token).ok()) wrong.fetch_add(1);
        (void)verifier.Verify(revoked);
      }
    });
  }
  ASSERT_TRUE(store_->RevokeApiKey("acme", revoked_id, clock_.Now()).ok());
  verifier.Invalidate(revoked_id);
  absl::SleepFor(absl::Milliseconds(50));
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0) << "a valid key was refused";
  EXPECT_TRUE(absl::IsUnauthenticated(verifier.Verify(revoked).status()));
}

TEST(PrincipalOfKeyTest, IncompleteScopesAreRefused) {
  store::ApiKeyRecord key;
  key.key_id = "0123456789abcdef";
  key.tenant = "acme";
  key.role = "manager";
  EXPECT_FALSE(PrincipalOfKey(key, false).has_value());
  key.role = "rep";
  EXPECT_FALSE(PrincipalOfKey(key, false).has_value());
  key.role = "superuser";
  EXPECT_FALSE(PrincipalOfKey(key, true).has_value());
  key.role = "metrics";
  EXPECT_TRUE(PrincipalOfKey(key, true).has_value());
  EXPECT_FALSE(PrincipalOfKey(key, true)->operator_admin);
}

TEST(AccessTableTest, RolesHoldExactlyTheirPermissions) {
  const Permission all[] = {
      Permission::kMembersWrite,   Permission::kMembersRead,
      Permission::kScoresRead,     Permission::kLeaderboardRead,
      Permission::kOutreachRead,   Permission::kRecommendationsRead,
      Permission::kKeysManage,     Permission::kTenantsCreate,
      Permission::kMetricsScrape,  Permission::kPageRead,
      Permission::kGoalsWrite,     Permission::kGoalsRead,
      Permission::kValidationRead, Permission::kDatabaseBackup};
  std::set<std::string> names;
  for (Permission p : all) {
    names.insert(std::string(PermissionName(p)));
    EXPECT_TRUE(RoleHas(Role::kAdmin, p));
    EXPECT_EQ(RoleHas(Role::kMetrics, p), p == Permission::kMetricsScrape);
    // Nobody but admins manages keys, creates tenants or backs up.
    if (p == Permission::kKeysManage || p == Permission::kTenantsCreate ||
        p == Permission::kDatabaseBackup) {
      for (Role r :
           {Role::kIntegration, Role::kManager, Role::kRep, Role::kMetrics}) {
        EXPECT_FALSE(RoleHas(r, p));
      }
    }
  }
  EXPECT_EQ(names.size(), std::size(all));
  EXPECT_FALSE(RoleHas(Role::kIntegration, Permission::kLeaderboardRead));
  // Goals: managers and admins set them; reps, managers and admins read.
  EXPECT_TRUE(RoleHas(Role::kManager, Permission::kGoalsWrite));
  EXPECT_FALSE(RoleHas(Role::kRep, Permission::kGoalsWrite));
  EXPECT_FALSE(RoleHas(Role::kIntegration, Permission::kGoalsWrite));
  EXPECT_TRUE(RoleHas(Role::kRep, Permission::kGoalsRead));
  EXPECT_TRUE(RoleHas(Role::kManager, Permission::kGoalsRead));
  EXPECT_FALSE(RoleHas(Role::kIntegration, Permission::kGoalsRead));
  EXPECT_TRUE(RoleHas(Role::kIntegration, Permission::kScoresRead));
  // The validation report is for admins and managers (their teams).
  EXPECT_TRUE(RoleHas(Role::kManager, Permission::kValidationRead));
  EXPECT_FALSE(RoleHas(Role::kRep, Permission::kValidationRead));
  EXPECT_FALSE(RoleHas(Role::kIntegration, Permission::kValidationRead));

  Principal admin;
  admin.role = Role::kAdmin;
  const absl::Status denied = Authorize(admin, Permission::kTenantsCreate);
  EXPECT_TRUE(absl::IsPermissionDenied(denied));
  EXPECT_THAT(denied.message(), HasSubstr("tenants.create"));
  // The backup copies every tenant: a tenant's own admin may not take it.
  const absl::Status no_backup = Authorize(admin, Permission::kDatabaseBackup);
  EXPECT_TRUE(absl::IsPermissionDenied(no_backup));
  EXPECT_THAT(no_backup.message(), HasSubstr("database.backup"));
  admin.operator_admin = true;
  EXPECT_TRUE(Authorize(admin, Permission::kTenantsCreate).ok());
  EXPECT_TRUE(Authorize(admin, Permission::kDatabaseBackup).ok());
  Principal rep;
  rep.role = Role::kRep;
  EXPECT_THAT(Authorize(rep, Permission::kMembersWrite).message(),
              HasSubstr("members.write"));
  // Every rule names a distinct method.
  std::set<std::string> methods;
  for (const MethodRule& rule : MethodRules()) {
    EXPECT_TRUE(methods.insert(std::string(rule.method)).second) << rule.method;
    EXPECT_EQ(RequiredPermission(rule.method), rule.permission);
  }
  EXPECT_FALSE(RequiredPermission("/rapport.v1.ScoringService/Nope"));
}

TEST_F(ApiKeyVerifierTest, TheAuthenticatorRoutesEachCredential) {
  ApiKeyVerifier verifier(store_.get(), &clock_, nullptr);
  Principal service;
  service.tenant = "acme";
  service.role = Role::kIntegration;
  service.id = "cert:spiffe://acme.test/crm";
  Principal by_subject = service;
  by_subject.id = "cert:CN=sync,O=Acme";
  int oidc_calls = 0;
  Authenticator authenticator(
      &verifier,
      [&](absl::string_view token) -> absl::StatusOr<Principal> {
        ++oidc_calls;
        if (token == "eyJ.good.sig") return service;
        return absl::UnauthenticatedError("bad token");
      },
      {{"spiffe://acme.test/crm", "", service},
       {"", "CN=sync,O=Acme", by_subject}},
      &clock_);
  const std::string key = Issue(Spec(Role::kRep));
  Credentials c;
  const std::string lower = "bearer " + key;  // The scheme is case-insensitive.
  c.authorization = lower;
  ASSERT_TRUE(authenticator.Authenticate(c).ok());
  EXPECT_EQ(authenticator.Authenticate(c)->role, Role::kRep);
  std::string header = "Bearer eyJ.good.sig";
  c.authorization = header;
  EXPECT_EQ(authenticator.Authenticate(c)->id, service.id);
  EXPECT_EQ(oidc_calls, 1);
  // A verified token is remembered for a little while, then verified again.
  EXPECT_TRUE(authenticator.Authenticate(c).ok());
  EXPECT_EQ(oidc_calls, 1);
  clock_.Advance(Authenticator::kTokenCacheTtl);
  EXPECT_TRUE(authenticator.Authenticate(c).ok());
  EXPECT_EQ(oidc_calls, 2);
  // A bearer credential wins over the certificate.
  c.cert_uris = {"spiffe://acme.test/crm"};
  header = "Bearer eyJ.bad.sig";
  c.authorization = header;
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator.Authenticate(c).status()));
  c.authorization.reset();
  EXPECT_EQ(authenticator.Authenticate(c)->id, service.id);
  c.cert_uris = {"spiffe://other.test/x"};
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator.Authenticate(c).status()));
  c.cert_uris.clear();
  c.cert_subject = "CN=sync,O=Acme";
  EXPECT_EQ(authenticator.Authenticate(c)->id, by_subject.id);
  c.cert_subject.clear();
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator.Authenticate(c).status()));
  for (const char* bad : {"Basic abc", "Bearer", "Bearer ", "token"}) {
    c.authorization = bad;
    EXPECT_TRUE(absl::IsUnauthenticated(authenticator.Authenticate(c).status()))
        << bad;
  }
}

}  // namespace
}  // namespace rapport::auth
