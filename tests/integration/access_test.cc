// The access matrix through the real server: every rapport.v1 method, every
// role, every kind of target (own member, teammate, another team's member,
// another tenant's member; own team, another team, the whole tenant) and
// every kind of bad credential, with the exact status code each must get.
//
// The expectations come from this file's own statement of the policy (which
// permission each method needs, which role holds which permission, what
// each role's scope reaches), not from the server's table; a method of the
// API that the statement or the server's table leaves out fails the test.
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/convert.h"
#include "server/app/server.h"
#include "server/auth/access.h"
#include "server/auth/api_keys.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/access_fixture.h"
#include "tests/integration/raw_call.h"

namespace rapport::testing {
namespace {

using grpc::StatusCode;

// --- The policy, as this test states it ---

enum class Perm {
  kMembersWrite,
  kMembersRead,
  kScoresRead,
  kLeaderboardRead,
  kOutreachRead,
  kRecommendationsRead,
  kKeysManage,
  kTenantsCreate
};

enum class Target {
  kOwnMember,         // n1: the rep's own member, in the manager's team.
  kTeammate,          // n2: same team as n1.
  kOtherTeamMember,   // s1: another team.
  kOtherTenantMember, // g1: exists only in the other tenant.
  kOwnTeam,           // north.
  kOtherTeam,         // south.
  kWholeTenant,       // No team.
  kNone,              // Methods that name no member or team.
};


struct MethodSpec {
  std::string method;
  Perm perm;
  std::vector<Target> targets;
  // The serialized request for a target.
  std::function<std::string(Target)> request;
};

std::string MemberOf(Target t) {
  switch (t) {
    case Target::kOwnMember:
      return "n1";
    case Target::kTeammate:
      return "n2";
    case Target::kOtherTeamMember:
      return "s1";
    case Target::kOtherTenantMember:
      return "g1";
    default:
      return "";
  }
}

std::string TeamOf(Target t) {
  return t == Target::kOwnTeam ? "north"
         : t == Target::kOtherTeam ? "south"
                                   : "";
}

bool Holds(Who who, Perm perm) {
  switch (who) {
    case Who::kAdmin:
      return true;
    case Who::kOtherAdmin:
      return perm != Perm::kTenantsCreate;
    case Who::kIntegration:
      return perm == Perm::kMembersWrite || perm == Perm::kMembersRead ||
             perm == Perm::kScoresRead;
    case Who::kManager:
    case Who::kRep:
      return perm == Perm::kMembersRead || perm == Perm::kScoresRead ||
             perm == Perm::kLeaderboardRead || perm == Perm::kOutreachRead ||
             perm == Perm::kRecommendationsRead;
    case Who::kMetrics:
      return false;
  }
  return false;
}

const std::vector<Target> kMemberTargets = {
    Target::kOwnMember, Target::kTeammate, Target::kOtherTeamMember,
    Target::kOtherTenantMember};
const std::vector<Target> kGroupTargets = {Target::kOwnTeam, Target::kOtherTeam,
                                           Target::kWholeTenant};

std::vector<MethodSpec> Methods() {
  auto member_request = [](auto proto) {
    return [proto](Target t) mutable {
      proto.set_member_id(MemberOf(t));
      return proto.SerializeAsString();
    };
  };
  auto group_request = [](auto proto) {
    return [proto](Target t) mutable {
      if (t != Target::kWholeTenant) proto.set_team(TeamOf(t));
      return proto.SerializeAsString();
    };
  };
  std::vector<MethodSpec> m;
  m.push_back({"/rapport.v1.ActivityService/UpsertMember", Perm::kMembersWrite,
               {Target::kOwnMember}, [](Target) {
                 v1::UpsertMemberRequest r;
                 *r.mutable_member() = MakeMember("n1", "north");
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.ActivityService/GetMember", Perm::kMembersRead,
               kMemberTargets, member_request(v1::GetMemberRequest())});
  m.push_back({"/rapport.v1.ActivityService/ListMembers", Perm::kMembersRead,
               kGroupTargets, group_request(v1::ListMembersRequest())});
  m.push_back({"/rapport.v1.ActivityService/DeleteMember", Perm::kMembersWrite,
               {Target::kOtherTenantMember},
               member_request(v1::DeleteMemberRequest())});
  m.push_back({"/rapport.v1.ActivityService/IngestEvents", Perm::kMembersWrite,
               {Target::kNone}, [](Target) { return std::string(); }});
  m.push_back({"/rapport.v1.ScoringService/GetScore", Perm::kScoresRead,
               kMemberTargets, member_request(v1::GetScoreRequest())});
  m.push_back({"/rapport.v1.ScoringService/BatchGetScores", Perm::kScoresRead,
               kMemberTargets, [](Target t) {
                 v1::BatchGetScoresRequest r;
                 r.add_member_ids(MemberOf(t));
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.ScoringService/GetScoreHistory", Perm::kScoresRead,
               kMemberTargets, member_request(v1::GetScoreHistoryRequest())});
  m.push_back({"/rapport.v1.ScoringService/GetLeaderboard",
               Perm::kLeaderboardRead, kGroupTargets,
               group_request(v1::GetLeaderboardRequest())});
  m.push_back({"/rapport.v1.ScoringService/ListDecliningMembers",
               Perm::kLeaderboardRead, kGroupTargets,
               group_request(v1::ListDecliningMembersRequest())});
  {
    std::vector<Target> both = kMemberTargets;
    both.push_back(Target::kOwnTeam);
    both.push_back(Target::kOtherTeam);
    m.push_back({"/rapport.v1.OutreachService/GetOutreachEffectiveness",
                 Perm::kOutreachRead, both, [](Target t) {
                   v1::GetOutreachEffectivenessRequest r;
                   if (MemberOf(t).empty()) {
                     r.set_team(TeamOf(t));
                   } else {
                     r.set_member_id(MemberOf(t));
                   }
                   return r.SerializeAsString();
                 }});
  }
  m.push_back({"/rapport.v1.RecommendationService/GetRecommendations",
               Perm::kRecommendationsRead, kMemberTargets,
               member_request(v1::GetRecommendationsRequest())});
  m.push_back({"/rapport.v1.AdminService/CreateTenant", Perm::kTenantsCreate,
               {Target::kNone}, [](Target) {
                 static int counter = 0;
                 v1::CreateTenantRequest r;
                 r.mutable_tenant()->set_tenant_id(
                     absl::StrCat("matrix-", ++counter));
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/CreateApiKey", Perm::kKeysManage,
               {Target::kNone}, [](Target) {
                 v1::CreateApiKeyRequest r;
                 r.set_name("matrix");
                 r.mutable_scope()->set_role(v1::ROLE_METRICS);
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/ListApiKeys", Perm::kKeysManage,
               {Target::kNone},
               [](Target) { return v1::ListApiKeysRequest().SerializeAsString(); }});
  m.push_back({"/rapport.v1.AdminService/RevokeApiKey", Perm::kKeysManage,
               {Target::kNone}, [](Target) {
                 v1::RevokeApiKeyRequest r;
                 r.set_key_id("0000000000000000");  // No such key.
                 return r.SerializeAsString();
               }});
  return m;
}

// The code `who` must get for `spec` on `target`.
StatusCode Expected(Who who, const MethodSpec& spec, Target target) {
  if (!Holds(who, spec.perm)) return StatusCode::PERMISSION_DENIED;
  const bool everyone = who == Who::kAdmin || who == Who::kIntegration;
  const std::string& m = spec.method;
  if (m.ends_with("/RevokeApiKey")) return StatusCode::NOT_FOUND;
  if (m.ends_with("/DeleteMember")) return StatusCode::NOT_FOUND;
  if (m.ends_with("/BatchGetScores")) {
    // An unknown id is listed as missing, whoever asks.
    if (target == Target::kOtherTenantMember) return StatusCode::OK;
  }
  switch (target) {
    case Target::kNone:
      return StatusCode::OK;
    case Target::kOwnMember:
      return StatusCode::OK;  // n1: the rep themself, in the manager's team.
    case Target::kTeammate:
      return who == Who::kRep ? StatusCode::PERMISSION_DENIED : StatusCode::OK;
    case Target::kOtherTeamMember:
      return everyone ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    case Target::kOtherTenantMember:
      // Reps are refused any member but themselves without a lookup.
      return who == Who::kRep ? StatusCode::PERMISSION_DENIED
                              : StatusCode::NOT_FOUND;
    case Target::kOwnTeam:
      if (everyone || who == Who::kManager) return StatusCode::OK;
      // A rep sees their own team's leaderboard (ranks only by default).
      return m.ends_with("/GetLeaderboard") ? StatusCode::OK
                                            : StatusCode::PERMISSION_DENIED;
    case Target::kOtherTeam:
    case Target::kWholeTenant:
      return everyone ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
  }
  return StatusCode::UNKNOWN;
}

std::string WhoName(Who who) {
  switch (who) {
    case Who::kAdmin:
      return "admin";
    case Who::kIntegration:
      return "integration";
    case Who::kManager:
      return "manager";
    case Who::kRep:
      return "rep";
    case Who::kMetrics:
      return "metrics";
    case Who::kOtherAdmin:
      return "other-tenant-admin";
  }
  return "?";
}

class AccessMatrixTest : public AccessFixture {
 protected:
  // One call of `spec` on `target` with `authorization` (empty: none).
  grpc::Status Call(const MethodSpec& spec, Target target,
                    const std::string& authorization) {
    std::vector<std::pair<std::string, std::string>> metadata;
    if (!authorization.empty()) metadata.emplace_back("authorization", authorization);
    grpc::GenericStub stub(channel_);
    RawCall call(stub, spec.method, metadata);
    if (spec.method.ends_with("/IngestEvents")) {
      v1::IngestEventsRequest r;
      *r.add_events() = MakeEvent("matrix-event", "n1", kTestNow - absl::Hours(1));
      call.Write(r.SerializeAsString());
    } else {
      call.Write(spec.request(target));
    }
    call.WritesDone();
    call.Read();
    return call.Finish();
  }
};

TEST_F(AccessMatrixTest, EveryMethodOfTheApiHasARuleAndAnExpectation) {
  std::map<std::string, bool> stated;
  for (const MethodSpec& spec : Methods()) stated[spec.method] = true;
  int methods = 0;
  for (const char* service :
       {"rapport.v1.ActivityService", "rapport.v1.ScoringService",
        "rapport.v1.OutreachService", "rapport.v1.RecommendationService",
        "rapport.v1.AdminService"}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string path =
          absl::StrCat("/", service, "/", descriptor->method(i)->name());
      ++methods;
      EXPECT_TRUE(auth::RequiredPermission(path).has_value())
          << path << " has no access rule: it would be refused to everyone";
      EXPECT_TRUE(stated.count(path)) << path << " is missing from this test";
    }
  }
  EXPECT_EQ(static_cast<size_t>(methods), auth::MethodRules().size());
  EXPECT_EQ(stated.size(), auth::MethodRules().size());
}

TEST_F(AccessMatrixTest, EveryRoleGetsExactlyWhatItsScopeAllows) {
  int calls = 0;
  for (const MethodSpec& spec : Methods()) {
    for (Who who : {Who::kAdmin, Who::kIntegration, Who::kManager, Who::kRep,
                    Who::kMetrics}) {
      for (Target target : spec.targets) {
        const grpc::Status status = Call(spec, target, Bearer(who));
        ++calls;
        const StatusCode expected = Expected(who, spec, target);
        EXPECT_EQ(status.error_code(), expected)
            << WhoName(who) << " " << spec.method << " on "
            << static_cast<int>(target) << ": " << status.error_message();
        if (status.error_code() == StatusCode::PERMISSION_DENIED &&
            expected == StatusCode::PERMISSION_DENIED) {
          EXPECT_THAT(status.error_message(), ::testing::HasSubstr("permission "))
              << "a refusal names the permission";
        }
      }
    }
  }
  size_t targets = 0;
  for (const MethodSpec& spec : Methods()) targets += spec.targets.size();
  EXPECT_EQ(static_cast<size_t>(calls), 5 * targets);
}

TEST_F(AccessMatrixTest, BadCredentialsAreUnauthenticatedWithoutSayingWhy) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"none", ""},
      {"not bearer", "Basic dXNlcjpwYXNz"},
      {"empty bearer", "Bearer "},
      {"malformed key", "Bearer rpk_nothex_short"},
      {"forged key", absl::StrCat("Bearer ", ForgedKey())},
      {"right id, wrong secret", absl::StrCat("Bearer ", WrongSecretKey())},
      {"revoked key", absl::StrCat("Bearer ", revoked_key_)},
      {"expired key", absl::StrCat("Bearer ", expired_key_)},
      {"not a key or token", "Bearer hello"},
  };
  for (const MethodSpec& spec : Methods()) {
    for (const auto& [name, authorization] : bad) {
      const grpc::Status status = Call(spec, spec.targets.front(), authorization);
      EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED)
          << name << " " << spec.method << ": " << status.error_message();
      EXPECT_EQ(status.error_message(),
                "authentication required: present a valid credential")
          << name;
    }
  }
}

TEST_F(AccessMatrixTest, HealthIsOpenAndUnknownMethodsAreRefused) {
  grpc::GenericStub stub(channel_);
  {
    RawCall call(stub, "/grpc.health.v1.Health/Check");
    call.Write("");
    call.WritesDone();
    call.Read();
    EXPECT_TRUE(call.Finish().ok());
  }
  {
    RawCall call(stub, "/rapport.v1.ScoringService/NoSuchMethod",
                 {{"authorization", Bearer(Who::kAdmin)}});
    call.Write("");
    call.WritesDone();
    call.Read();
    EXPECT_EQ(call.Finish().error_code(), StatusCode::PERMISSION_DENIED);
  }
}

}  // namespace
}  // namespace rapport::testing
