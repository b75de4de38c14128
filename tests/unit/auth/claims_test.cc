#include "server/auth/claims.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace rapport::auth {
namespace {

using ::rapport::config::v1::ClaimMapping;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

google::protobuf::Struct Claims(const std::string& json) {
  google::protobuf::Struct claims;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &claims).ok())
      << json;
  return claims;
}

ClaimMapping Mapping() {
  ClaimMapping mapping;
  mapping.set_tenant("acme");
  mapping.set_member_claim("email");
  mapping.set_role_claim("groups");
  (*mapping.mutable_roles())["rapport-admins"] = "admin";
  (*mapping.mutable_roles())["rapport-sync"] = "integration";
  (*mapping.mutable_roles())["rapport-managers"] = "manager";
  (*mapping.mutable_roles())["rapport-reps"] = "rep";
  (*mapping.mutable_roles())["rapport-metrics"] = "metrics";
  mapping.set_teams_claim("groups");
  mapping.set_team_prefix("rapport-team-");
  return mapping;
}

TEST(MapClaimsTest, TheMostPrivilegedRoleWins) {
  // Every subset of the groups: the role is the first of admin, integration,
  // manager, rep, metrics that the subset holds.
  const std::vector<std::pair<std::string, Role>> groups = {
      {"rapport-admins", Role::kAdmin},
      {"rapport-sync", Role::kIntegration},
      {"rapport-managers", Role::kManager},
      {"rapport-reps", Role::kRep},
      {"rapport-metrics", Role::kMetrics}};
  for (int subset = 1; subset < 32; ++subset) {
    std::string list = "\"rapport-team-emea\",\"unrelated\"";
    Role expected = Role::kMetrics;  // The least privileged.
    // Listed from least to most privileged, so order does not decide.
    for (int i = 4; i >= 0; --i) {
      if ((subset & (1 << i)) == 0) continue;
      list += ",\"" + groups[i].first + "\"";
      expected = std::min(expected, groups[i].second);
    }
    const absl::StatusOr<Principal> principal = MapClaims(
        Mapping(),
        Claims(R"({"email":"ana@acme.example","groups":[)" + list + "]}"),
        "oidc:x#1");
    ASSERT_TRUE(principal.ok()) << list << ": " << principal.status();
    EXPECT_EQ(principal->role, expected) << list;
  }
}

TEST(MapClaimsTest, AdminHasTenantAndId) {
  const absl::StatusOr<Principal> principal = MapClaims(
      Mapping(), Claims(R"({"groups":["rapport-admins"]})"), "oidc:i#s");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "acme");
  EXPECT_EQ(principal->role, Role::kAdmin);
  EXPECT_EQ(principal->id, "oidc:i#s");
  EXPECT_FALSE(principal->operator_admin);
}

TEST(MapClaimsTest, RoleClaimMayBeAString) {
  ClaimMapping mapping = Mapping();
  mapping.set_role_claim("role");
  const absl::StatusOr<Principal> principal =
      MapClaims(mapping, Claims(R"({"role":"rapport-metrics"})"), "id");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, Role::kMetrics);
}

TEST(MapClaimsTest, ManagerTeamsArePrefixedGroupsSortedAndUnique) {
  const absl::StatusOr<Principal> principal = MapClaims(
      Mapping(),
      Claims(R"({"groups":["rapport-managers","rapport-team-emea",)"
             R"("rapport-team-apac","other-team-x","rapport-team-emea",)"
             R"("rapport-team-",7]})"),
      "id");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, Role::kManager);
  EXPECT_THAT(principal->teams, ElementsAre("apac", "emea"));
  EXPECT_THAT(principal->member_id, IsEmpty());
}

TEST(MapClaimsTest, ManagerWithoutTeamsIsDenied) {
  const absl::StatusOr<Principal> principal = MapClaims(
      Mapping(), Claims(R"({"groups":["rapport-managers","emea"]})"), "id");
  EXPECT_EQ(principal.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(principal.status().message(), "team"))
      << principal.status();
}

TEST(MapClaimsTest, RepIsTheMemberOfTheMemberClaim) {
  const absl::StatusOr<Principal> principal =
      MapClaims(Mapping(),
                Claims(R"({"groups":["rapport-reps","rapport-team-emea"],)"
                       R"("email":"ana@acme.example"})"),
                "id");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, Role::kRep);
  EXPECT_EQ(principal->member_id, "ana@acme.example");
  EXPECT_THAT(principal->teams, IsEmpty());
}

TEST(MapClaimsTest, RepWithoutMemberClaimIsDenied) {
  for (const char* json : {R"({"groups":["rapport-reps"]})",
                           R"({"groups":["rapport-reps"],"email":""})",
                           R"({"groups":["rapport-reps"],"email":["a"]})"}) {
    const absl::StatusOr<Principal> principal =
        MapClaims(Mapping(), Claims(json), "id");
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kPermissionDenied)
        << json;
    EXPECT_TRUE(absl::StrContains(principal.status().message(), "email"))
        << principal.status();
  }
}

TEST(MapClaimsTest, TenantFromTheTenantClaim) {
  ClaimMapping mapping = Mapping();
  mapping.clear_tenant();
  mapping.set_tenant_claim("tid");
  const absl::StatusOr<Principal> principal = MapClaims(
      mapping, Claims(R"({"groups":["rapport-admins"],"tid":"globex"})"), "id");
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "globex");

  for (const char* json : {R"({"groups":["rapport-admins"]})",
                           R"({"groups":["rapport-admins"],"tid":""})",
                           R"({"groups":["rapport-admins"],"tid":42})"}) {
    const absl::StatusOr<Principal> denied =
        MapClaims(mapping, Claims(json), "id");
    EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied)
        << json;
    EXPECT_TRUE(absl::StrContains(denied.status().message(), "tid"))
        << denied.status();
  }
}

TEST(MapClaimsTest, NoRoleIsDenied) {
  for (const char* json :
       {R"({})", R"({"groups":[]})", R"({"groups":["rapport-team-emea"]})",
        R"({"groups":"unknown"})", R"({"groups":{"rapport-admins":true}})",
        R"({"groups":[["rapport-admins"]]})", R"({"role":"rapport-admins"})"}) {
    const absl::StatusOr<Principal> principal =
        MapClaims(Mapping(), Claims(json), "id");
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kPermissionDenied)
        << json;
    EXPECT_EQ(principal.status().message(), "the identity has no Rapport role");
  }
}

}  // namespace
}  // namespace rapport::auth
