// Tenants and API keys: the operator tenant, creation in one transaction
// with the first key, key ids unique across tenants, listing order,
// revocation kept once set, last use only raised, and the audit entries of
// each change.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using testing::At;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TenantRecord Tenant(const std::string& id, absl::Time created = At(0)) {
  TenantRecord t;
  t.tenant_id = id;
  t.display_name = "Org " + id;
  t.rep_leaderboard = 2;
  t.create_time = created;
  return t;
}

ApiKeyRecord Key(const std::string& id, const TenantId& tenant,
                 absl::Time created = At(0)) {
  ApiKeyRecord k;
  k.key_id = id;
  k.tenant = tenant;
  k.name = "key " + id;
  k.role = "manager";
  k.teams = {"emea", "apac"};
  k.secret_sha256_hex = std::string(64, 'b');
  k.create_time = created;
  k.expire_time = created + absl::Hours(24);
  k.created_by = "key:00000000000000ff";
  return k;
}

std::vector<std::string> KeyIds(const std::vector<ApiKeyRecord>& keys) {
  std::vector<std::string> ids;
  for (const ApiKeyRecord& k : keys) ids.push_back(k.key_id);
  return ids;
}

class TenantsTest : public testing::StoreConformanceTest {
 protected:
  std::optional<ApiKeyRecord> FindKey(const std::string& key_id) {
    auto key = store_->FindApiKey(key_id);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? *key : std::nullopt;
  }
  std::vector<AuditEntry> Trail(const TenantId& tenant) {
    auto page = store_->ListAudit(tenant, AuditQuery{});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<AuditEntry>{};
  }
};

TEST_P(TenantsTest, TheFirstTenantEverCreatedIsTheOperatorOnly) {
  EXPECT_EQ(*store_->FindTenant("acme"), std::nullopt);
  TenantRecord asked = Tenant("acme");
  asked.operator_tenant = false;  // Ignored: the store decides.
  auto first = store_->CreateTenant(asked, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->operator_tenant);
  TenantRecord claims = Tenant("globex");
  claims.operator_tenant = true;  // Ignored as well.
  auto second = store_->CreateTenant(claims, nullptr);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->operator_tenant);

  auto found = store_->FindTenant("acme");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->tenant_id, "acme");
  EXPECT_EQ((*found)->display_name, "Org acme");
  EXPECT_EQ((*found)->rep_leaderboard, 2);
  EXPECT_TRUE((*found)->operator_tenant);
  EXPECT_EQ((*found)->create_time, At(0));
  EXPECT_FALSE((*store_->FindTenant("globex"))->operator_tenant);
  EXPECT_EQ(
      store_->CreateTenant(Tenant("acme", At(5)), nullptr).status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ((*store_->FindTenant("acme"))->create_time, At(0));
}

TEST_P(TenantsTest, ATenantAndItsFirstKeyAreCreatedTogetherOrNotAtAll) {
  const ApiKeyRecord key = Key("00000000000000a1", "acme", At(1));
  const AuditContext ctx{"key:bootstrap", "admin", "/create", At(1)};
  ASSERT_TRUE(store_->CreateTenant(Tenant("acme"), &key, &ctx).ok());
  std::optional<ApiKeyRecord> stored = FindKey(key.key_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->tenant, "acme");
  EXPECT_EQ(stored->name, key.name);
  EXPECT_EQ(stored->role, "manager");
  EXPECT_EQ(stored->teams, key.teams);
  EXPECT_EQ(stored->member_id, "");
  EXPECT_EQ(stored->secret_sha256_hex, key.secret_sha256_hex);
  EXPECT_EQ(stored->create_time, At(1));
  EXPECT_EQ(stored->expire_time, At(1) + absl::Hours(24));
  EXPECT_EQ(stored->last_use_time, std::nullopt);
  EXPECT_EQ(stored->revoke_time, std::nullopt);
  EXPECT_EQ(stored->created_by, key.created_by);
  // The audit entries go to the new tenant's trail: the tenant, its key.
  std::vector<AuditEntry> trail = Trail("acme");
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].target, "key:00000000000000a1");
  EXPECT_EQ(trail[1].target, "tenant:acme");
  for (const AuditEntry& e : trail) {
    EXPECT_EQ(e.principal, "key:bootstrap");
    EXPECT_EQ(e.detail.find(key.secret_sha256_hex), std::string::npos);
  }

  // A taken key id fails the whole creation: no tenant, no entry.
  const ApiKeyRecord taken = Key("00000000000000a1", "globex");
  EXPECT_EQ(
      store_->CreateTenant(Tenant("globex"), &taken, &ctx).status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->FindTenant("globex"), std::nullopt);
  EXPECT_THAT(Trail("globex"), IsEmpty());
  EXPECT_EQ(FindKey(taken.key_id)->tenant, "acme");
  // The failure left nothing behind: the tenant can be created after it.
  auto later = store_->CreateTenant(Tenant("globex"), nullptr);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_FALSE(later->operator_tenant);
}

TEST_P(TenantsTest, KeysNeedTheirTenantAndAnIdUniqueAcrossTenants) {
  EXPECT_EQ(store_->InsertApiKey(Key("00000000000000b1", "acme")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FindKey("00000000000000b1"), std::nullopt);
  ASSERT_TRUE(store_->CreateTenant(Tenant("acme"), nullptr).ok());
  ASSERT_TRUE(store_->CreateTenant(Tenant("globex"), nullptr).ok());
  ASSERT_TRUE(store_->InsertApiKey(Key("00000000000000b1", "acme")).ok());
  EXPECT_EQ(store_->InsertApiKey(Key("00000000000000b1", "globex")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FindKey("00000000000000b1")->tenant, "acme");
  EXPECT_THAT(*store_->ListApiKeys("globex"), IsEmpty());
}

TEST_P(TenantsTest, KeysAreListedByCreateTimeThenKeyId) {
  ASSERT_TRUE(store_->CreateTenant(Tenant("acme"), nullptr).ok());
  ASSERT_TRUE(store_->CreateTenant(Tenant("globex"), nullptr).ok());
  // Inserted in neither order.
  for (const auto& [id, minute] :
       std::vector<std::pair<std::string, int>>{{"00000000000000c3", 5},
                                                {"00000000000000c9", 1},
                                                {"00000000000000c1", 5},
                                                {"00000000000000c5", 3}}) {
    ASSERT_TRUE(store_->InsertApiKey(Key(id, "acme", At(minute))).ok());
  }
  ASSERT_TRUE(
      store_->InsertApiKey(Key("00000000000000c0", "globex", At(0))).ok());
  auto keys = store_->ListApiKeys("acme");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(KeyIds(*keys),
              ElementsAre("00000000000000c9", "00000000000000c5",
                          "00000000000000c1", "00000000000000c3"));
}

TEST_P(TenantsTest, RevocationIsKeptOnceSetAndScopedToTheTenant) {
  ASSERT_TRUE(store_->CreateTenant(Tenant("acme"), nullptr).ok());
  ASSERT_TRUE(store_->CreateTenant(Tenant("globex"), nullptr).ok());
  ASSERT_TRUE(store_->InsertApiKey(Key("00000000000000d1", "acme")).ok());
  const AuditContext ctx{"key:admin", "admin", "/revoke", At(10)};
  // Another tenant cannot revoke it, nor see that it exists.
  EXPECT_EQ(store_->RevokeApiKey("globex", "00000000000000d1", At(10), &ctx)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(FindKey("00000000000000d1")->revoke_time, std::nullopt);
  EXPECT_THAT(Trail("globex"), IsEmpty());

  auto revoked = store_->RevokeApiKey("acme", "00000000000000d1", At(10), &ctx);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoke_time, At(10));
  EXPECT_EQ(revoked->key_id, "00000000000000d1");
  auto again = store_->RevokeApiKey("acme", "00000000000000d1", At(20), &ctx);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->revoke_time, At(10));
  EXPECT_EQ(FindKey("00000000000000d1")->revoke_time, At(10));
  std::vector<AuditEntry> trail = Trail("acme");
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail[0].target, "key:00000000000000d1");
  EXPECT_EQ(trail[0].detail, "revoked");
}

TEST_P(TenantsTest, KeyUseOnlyRaisesTheLastUseTime) {
  ASSERT_TRUE(store_->CreateTenant(Tenant("acme"), nullptr).ok());
  ASSERT_TRUE(store_->InsertApiKey(Key("00000000000000e1", "acme")).ok());
  ASSERT_TRUE(store_->InsertApiKey(Key("00000000000000e2", "acme")).ok());
  ASSERT_TRUE(store_->RecordApiKeyUse("00000000000000e1", At(50)).ok());
  EXPECT_EQ(FindKey("00000000000000e1")->last_use_time, At(50));
  ASSERT_TRUE(store_->RecordApiKeyUse("00000000000000e1", At(40)).ok());
  EXPECT_EQ(FindKey("00000000000000e1")->last_use_time, At(50));
  ASSERT_TRUE(store_->RecordApiKeyUse("00000000000000e1", At(50)).ok());
  EXPECT_EQ(FindKey("00000000000000e1")->last_use_time, At(50));
  ASSERT_TRUE(store_->RecordApiKeyUse("00000000000000e1", At(60)).ok());
  EXPECT_EQ(FindKey("00000000000000e1")->last_use_time, At(60));
  // Only that key; a missing key is ignored.
  EXPECT_EQ(FindKey("00000000000000e2")->last_use_time, std::nullopt);
  EXPECT_TRUE(store_->RecordApiKeyUse("0000000000000000", At(70)).ok());
  EXPECT_EQ(FindKey("0000000000000000"), std::nullopt);
  // Use is not a change: nothing is audited.
  EXPECT_THAT(Trail("acme"), IsEmpty());
}

TEST_P(TenantsTest, UnknownTenantsAndKeysAreEmptyNotErrors) {
  auto tenant = store_->FindTenant("nobody");
  ASSERT_TRUE(tenant.ok()) << tenant.status();
  EXPECT_EQ(*tenant, std::nullopt);
  auto key = store_->FindApiKey("nokey");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, std::nullopt);
  auto keys = store_->ListApiKeys("nobody");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, IsEmpty());
  EXPECT_EQ(store_->RevokeApiKey("nobody", "nokey", At(0)).status().code(),
            absl::StatusCode::kNotFound);
}

RAPPORT_STORE_CONFORMANCE(TenantsTest);

}  // namespace
}  // namespace rapport::store
