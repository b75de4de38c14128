// The access matrix through the real server: every rapport.v1 method, every
// role, every kind of target (own member, teammate, another team's member,
// another tenant's member; own team, another team, the whole tenant) and
// every kind of bad credential, with the exact status code each must get.
//
// The expectations come from this file's own statement of the policy (which
// permission each method needs, which role holds which permission, what
// each role's scope reaches), not from the server's table; a method of the
// API that the statement or the server's table leaves out fails the test.
#include "server/auth/access.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
#include "rapport/v1/goal.pb.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "rapport/v1/validation.grpc.pb.h"
#include "server/api/convert.h"
#include "server/app/server.h"
#include "server/auth/api_keys.h"
#include "server/auth/authenticator.h"
#include "server/store/sqlite_store.h"
#include "tests/common/http_get.h"
#include "tests/common/temp_dir.h"
#include "tests/common/tls_client.h"
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
  kTenantsCreate,
  kContactsErase,
  kAuditRead,
  kGoalsWrite,
  kGoalsRead,
  kValidationRead,
  kDatabaseBackup
};

enum class Target {
  kOwnMember,          // n1: the rep's own member, in the manager's team.
  kTeammate,           // n2: same team as n1.
  kOtherTeamMember,    // s1: another team.
  kOtherTenantMember,  // g1: exists only in the other tenant.
  kOwnTeam,            // north.
  kOtherTeam,          // south.
  kWholeTenant,        // No team.
  kNone,               // Methods that name no member or team.
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
  return t == Target::kOwnTeam     ? "north"
         : t == Target::kOtherTeam ? "south"
                                   : "";
}

bool Holds(Who who, Perm perm) {
  switch (who) {
    case Who::kAdmin:
      return true;
    case Who::kOtherAdmin:
      // Permissions over every tenant are the operator tenant's.
      return perm != Perm::kTenantsCreate && perm != Perm::kDatabaseBackup;
    case Who::kIntegration:
      return perm == Perm::kMembersWrite || perm == Perm::kMembersRead ||
             perm == Perm::kScoresRead;
    case Who::kManager:
      if (perm == Perm::kGoalsWrite) return true;
      if (perm == Perm::kValidationRead) return true;
      [[fallthrough]];
    case Who::kRep:
      return perm == Perm::kMembersRead || perm == Perm::kScoresRead ||
             perm == Perm::kLeaderboardRead || perm == Perm::kOutreachRead ||
             perm == Perm::kRecommendationsRead || perm == Perm::kGoalsRead;
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
  m.push_back({"/rapport.v1.ActivityService/UpsertMember",
               Perm::kMembersWrite,
               {Target::kOwnMember},
               [](Target) {
                 v1::UpsertMemberRequest r;
                 *r.mutable_member() = MakeMember("n1", "north");
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.ActivityService/GetMember", Perm::kMembersRead,
               kMemberTargets, member_request(v1::GetMemberRequest())});
  m.push_back({"/rapport.v1.ActivityService/ListMembers", Perm::kMembersRead,
               kGroupTargets, group_request(v1::ListMembersRequest())});
  m.push_back({"/rapport.v1.ActivityService/DeleteMember",
               Perm::kMembersWrite,
               {Target::kOtherTenantMember},
               member_request(v1::DeleteMemberRequest())});
  m.push_back({"/rapport.v1.ActivityService/IngestEvents",
               Perm::kMembersWrite,
               {Target::kNone},
               [](Target) { return std::string(); }});
  m.push_back({"/rapport.v1.ActivityService/WriteEvents",
               Perm::kMembersWrite,
               {Target::kNone},
               [](Target) {
                 v1::WriteEventsRequest r;
                 *r.add_events() = MakeEvent("matrix-write-event", "n1",
                                             kTestNow - absl::Hours(1));
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.ActivityService/BatchUpsertMembers",
               Perm::kMembersWrite,
               {Target::kOwnMember},
               [](Target) {
                 v1::BatchUpsertMembersRequest r;
                 *r.add_members() = MakeMember("n1", "north");
                 return r.SerializeAsString();
               }});
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
  // The feed of a team or of the whole tenant: a rep has neither.
  m.push_back({"/rapport.v1.ScoringService/ListScoreChanges", Perm::kScoresRead,
               kGroupTargets, group_request(v1::ListScoreChangesRequest())});
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
  m.push_back({"/rapport.v1.ValidationService/GetValidationReport",
               Perm::kValidationRead, kGroupTargets,
               group_request(v1::GetValidationReportRequest())});
  m.push_back({"/rapport.v1.AdminService/CreateTenant",
               Perm::kTenantsCreate,
               {Target::kNone},
               [](Target) {
                 static int counter = 0;
                 v1::CreateTenantRequest r;
                 r.mutable_tenant()->set_tenant_id(
                     absl::StrCat("matrix-", ++counter));
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/CreateApiKey",
               Perm::kKeysManage,
               {Target::kNone},
               [](Target) {
                 v1::CreateApiKeyRequest r;
                 r.set_name("matrix");
                 r.mutable_scope()->set_role(v1::ROLE_METRICS);
                 return r.SerializeAsString();
               }});
  m.push_back(
      {"/rapport.v1.AdminService/ListApiKeys",
       Perm::kKeysManage,
       {Target::kNone},
       [](Target) { return v1::ListApiKeysRequest().SerializeAsString(); }});
  m.push_back({"/rapport.v1.AdminService/RevokeApiKey",
               Perm::kKeysManage,
               {Target::kNone},
               [](Target) {
                 v1::RevokeApiKeyRequest r;
                 r.set_key_id("0000000000000000");  // No such key.
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/EraseContact",
               Perm::kContactsErase,
               {Target::kNone},
               [](Target) {
                 v1::EraseContactRequest r;
                 r.set_contact_id("matrix-nobody");  // Erases nothing.
                 return r.SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/ListAuditEvents",
               Perm::kAuditRead,
               {Target::kNone},
               [](Target) {
                 return v1::ListAuditEventsRequest().SerializeAsString();
               }});
  m.push_back({"/rapport.v1.AdminService/BackupDatabase",
               Perm::kDatabaseBackup,
               {Target::kNone},
               [](Target) {
                 static int counter = 0;
                 v1::BackupDatabaseRequest r;
                 r.set_name(absl::StrCat("matrix-", ++counter, ".db"));
                 return r.SerializeAsString();
               }});
  {
    // Goals: set on members and teams, listed by member, team or the
    // caller's whole scope, deleted by id.
    std::vector<Target> subjects = kMemberTargets;
    subjects.push_back(Target::kOwnTeam);
    subjects.push_back(Target::kOtherTeam);
    m.push_back({"/rapport.v1.GoalService/CreateGoal", Perm::kGoalsWrite,
                 subjects, [](Target t) {
                   v1::CreateGoalRequest r;
                   if (MemberOf(t).empty()) {
                     r.mutable_goal()->set_team(TeamOf(t));
                   } else {
                     r.mutable_goal()->set_member_id(MemberOf(t));
                   }
                   r.mutable_goal()->set_target(50);
                   api::ToProtoTime(kTestNow + absl::Hours(24 * 30),
                                    r.mutable_goal()->mutable_due_time());
                   return r.SerializeAsString();
                 }});
    std::vector<Target> lists = subjects;
    lists.push_back(Target::kWholeTenant);
    m.push_back({"/rapport.v1.GoalService/ListGoals", Perm::kGoalsRead, lists,
                 [](Target t) {
                   v1::ListGoalsRequest r;
                   r.set_member_id(MemberOf(t));
                   r.set_team(TeamOf(t));
                   return r.SerializeAsString();
                 }});
    m.push_back({"/rapport.v1.GoalService/DeleteGoal",
                 Perm::kGoalsWrite,
                 {Target::kNone},
                 [](Target) {
                   v1::DeleteGoalRequest r;
                   r.set_goal_id("g_0000000000000000");  // No such goal.
                   return r.SerializeAsString();
                 }});
  }
  return m;
}

// The code `who` must get for `spec` on `target`.
StatusCode Expected(Who who, const MethodSpec& spec, Target target) {
  if (!Holds(who, spec.perm)) return StatusCode::PERMISSION_DENIED;
  const bool everyone = who == Who::kAdmin || who == Who::kIntegration;
  const std::string& m = spec.method;
  if (m.ends_with("/RevokeApiKey")) return StatusCode::NOT_FOUND;
  if (m.ends_with("/DeleteMember")) return StatusCode::NOT_FOUND;
  if (m.ends_with("/DeleteGoal")) return StatusCode::NOT_FOUND;
  // Listing goals without a filter lists the caller's scope, whoever asks.
  if (m.ends_with("/ListGoals") && target == Target::kWholeTenant) {
    return StatusCode::OK;
  }
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
      return m.ends_with("/GetLeaderboard") || m.ends_with("/ListGoals")
                 ? StatusCode::OK
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
    if (!authorization.empty())
      metadata.emplace_back("authorization", authorization);
    grpc::GenericStub stub(channel_);
    RawCall call(stub, spec.method, metadata);
    if (spec.method.ends_with("/IngestEvents")) {
      v1::IngestEventsRequest r;
      *r.add_events() =
          MakeEvent("matrix-event", "n1", kTestNow - absl::Hours(1));
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
        "rapport.v1.AdminService", "rapport.v1.GoalService",
        "rapport.v1.ValidationService"}) {
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
          EXPECT_THAT(status.error_message(),
                      ::testing::HasSubstr("permission "))
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
  // Tokens of the identity provider that must not pass.
  const Pkey stranger = GenerateRsaKey();
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::vector<std::pair<std::string, std::string>> tokens = {
      {"expired token", Token({{"exp", absl::StrCat(now - 3600)}})},
      {"token not yet valid", Token({{"nbf", absl::StrCat(now + 3600)}})},
      {"wrong audience", Token({{"aud", R"("someone-else")"}})},
      {"wrong issuer", Token({{"iss", R"("https://evil.test")"}})},
      {"no subject", Token({{"sub", "null"}})},
      {"forged signature", Token({}, stranger.get())},
      {"alg none",
       MintUnsignedJwt(
           "k1",
           R"({"iss":"https://idp.test","sub":"u","aud":"rapport","exp":9999999999})")},
      {"HS256 keyed by the public key",
       MintHs256Jwt(
           PublicKeyDer(idp_key_.get()), "k1",
           R"({"iss":"https://idp.test","sub":"u","aud":"rapport","exp":9999999999})")},
  };
  std::vector<std::pair<std::string, std::string>> all = bad;
  for (const auto& [name, token] : tokens) {
    all.emplace_back(name, absl::StrCat("Bearer ", token));
  }
  for (const MethodSpec& spec : Methods()) {
    for (const auto& [name, authorization] : all) {
      const grpc::Status status =
          Call(spec, spec.targets.front(), authorization);
      EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED)
          << name << " " << spec.method << ": " << status.error_message();
      EXPECT_EQ(status.error_message(),
                "authentication required: present a valid credential")
          << name;
    }
  }
}

TEST_F(AccessMatrixTest, ReflectionNeedsAPrincipalByDefault) {
  grpc::GenericStub stub(channel_);
  const std::string method =
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  // list_services: field 7 (string) of ServerReflectionRequest.
  const std::string list_services = std::string("\x3a\x01*", 3);
  {
    RawCall call(stub, method);
    call.Write(list_services);
    call.WritesDone();
    call.Read();
    EXPECT_EQ(call.Finish().error_code(), StatusCode::UNAUTHENTICATED);
  }
  RawCall call(stub, method, {{"authorization", Bearer(Who::kMetrics)}});
  call.Write(list_services);
  call.WritesDone();
  std::optional<std::string> reply = call.Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_THAT(*reply, ::testing::HasSubstr("rapport.v1.AdminService"));
  EXPECT_TRUE(call.Finish().ok());
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

namespace rapport::testing {
namespace {

class TenantIsolationTest : public AccessFixture {
 protected:
  v1::IngestEventsResponse IngestAs(Who who,
                                    const std::vector<v1::Event>& events) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::IngestEventsResponse out;
    auto writer = activity_->IngestEvents(&ctx, &out);
    v1::IngestEventsRequest req;
    for (const v1::Event& e : events) *req.add_events() = e;
    writer->Write(req);
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Score ScoreAs(Who who, const std::string& member) {
    auto stub = v1::ScoringService::NewStub(channel_);
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::GetScoreRequest req;
    req.set_member_id(member);
    v1::GetScoreResponse resp;
    const grpc::Status status = stub->GetScore(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp.score();
  }

  std::vector<std::string> LeaderboardAs(Who who,
                                         const std::string& team = "") {
    auto stub = v1::ScoringService::NewStub(channel_);
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::GetLeaderboardRequest req;
    if (!team.empty()) req.set_team(team);
    v1::GetLeaderboardResponse resp;
    const grpc::Status status = stub->GetLeaderboard(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const auto& e : resp.entries()) ids.push_back(e.member_id());
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

TEST_F(TenantIsolationTest, SameIdsInTwoTenantsNeverCross) {
  // The same event ids in both tenants: each is new in its own tenant.
  // globex's n1 also posted on 19 other days.
  std::vector<v1::Event> acme, globex;
  acme.push_back(MakeEvent("post-0", "n1", clock_.Now() - absl::Hours(2)));
  for (int i = 0; i < 20; ++i) {
    globex.push_back(MakeEvent(absl::StrCat("post-", i), "n1",
                               clock_.Now() - absl::Hours(2 + 24 * i)));
  }
  EXPECT_EQ(IngestAs(Who::kAdmin, acme).accepted_count(), 1);
  EXPECT_EQ(IngestAs(Who::kOtherAdmin, globex).accepted_count(), 20);
  // Sent again: duplicates in each tenant, nothing new.
  EXPECT_EQ(IngestAs(Who::kOtherAdmin, globex).duplicate_count(), 20);

  // Each tenant's n1 is scored from its own events only.
  const v1::Score a = ScoreAs(Who::kAdmin, "n1");
  const v1::Score g = ScoreAs(Who::kOtherAdmin, "n1");
  EXPECT_NE(a.total(), g.total());
  EXPECT_EQ(ScoreAs(Who::kRep, "n1").total(), a.total());

  EXPECT_EQ(LeaderboardAs(Who::kAdmin),
            (std::vector<std::string>{"n1", "n2", "s1"}));
  EXPECT_EQ(LeaderboardAs(Who::kOtherAdmin),
            (std::vector<std::string>{"g1", "n1"}));
  EXPECT_EQ(LeaderboardAs(Who::kManager, "north"),
            (std::vector<std::string>{"n1", "n2"}));

  // History is recorded per tenant.
  ASSERT_TRUE(server_->RecordHistory().ok());
  auto scoring = v1::ScoringService::NewStub(channel_);
  for (Who who : {Who::kAdmin, Who::kOtherAdmin}) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::GetScoreHistoryRequest req;
    req.set_member_id("n1");
    v1::GetScoreHistoryResponse resp;
    ASSERT_TRUE(scoring->GetScoreHistory(&ctx, req, &resp).ok());
    ASSERT_FALSE(resp.points().empty());
    EXPECT_EQ(resp.points().rbegin()->total(),
              who == Who::kAdmin ? a.total() : g.total());
  }

  // Recommendations start from the tenant's own score.
  auto recommend = v1::RecommendationService::NewStub(channel_);
  for (Who who : {Who::kAdmin, Who::kOtherAdmin}) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::GetRecommendationsRequest req;
    req.set_member_id("n1");
    v1::GetRecommendationsResponse resp;
    ASSERT_TRUE(recommend->GetRecommendations(&ctx, req, &resp).ok());
    EXPECT_DOUBLE_EQ(resp.current_total(),
                     who == Who::kAdmin ? a.total() : g.total());
  }

  // Deleting globex's n1 leaves acme's.
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::DeleteMemberRequest req;
    req.set_member_id("n1");
    v1::DeleteMemberResponse resp;
    ASSERT_TRUE(activity_->DeleteMember(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.deleted_event_count(), 20);
  }
  EXPECT_EQ(ScoreAs(Who::kAdmin, "n1").total(), a.total());
}

TEST_F(TenantIsolationTest, PageTokensAreBoundToTenantAndPrincipal) {
  v1::ListMembersRequest req;
  req.set_team("north");
  req.set_page_size(1);
  v1::ListMembersResponse first;
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kAdmin);
    ASSERT_TRUE(activity_->ListMembers(&ctx, req, &first).ok());
    ASSERT_FALSE(first.next_page_token().empty());
  }
  req.set_page_token(first.next_page_token());
  for (Who other : {Who::kOtherAdmin, Who::kManager}) {
    grpc::ClientContext ctx;
    Authorize(ctx, other);
    v1::ListMembersResponse resp;
    const grpc::Status status = activity_->ListMembers(&ctx, req, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << static_cast<int>(other) << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token"));
  }
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::ListMembersResponse second;
  ASSERT_TRUE(activity_->ListMembers(&ctx, req, &second).ok());
  ASSERT_EQ(second.members_size(), 1);
  EXPECT_NE(second.members(0).member_id(), first.members(0).member_id());
}

TEST_F(TenantIsolationTest, KeysAndTenantsStayWithTheirTenant) {
  // globex's admin lists only globex's keys and cannot revoke acme's.
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::ListApiKeysResponse resp;
    ASSERT_TRUE(
        admin_->ListApiKeys(&ctx, v1::ListApiKeysRequest(), &resp).ok());
    ASSERT_EQ(resp.keys_size(), 1);
    EXPECT_EQ(resp.keys(0).key_id(),
              auth::ParseApiKey(keys_[Who::kOtherAdmin])->key_id);
  }
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::RevokeApiKeyRequest req;
    req.set_key_id(std::string(auth::ParseApiKey(keys_[Who::kRep])->key_id));
    v1::RevokeApiKeyResponse resp;
    EXPECT_EQ(admin_->RevokeApiKey(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(ScoreAs(Who::kRep, "n1").member_id(), "n1");  // Still valid.
  // Only the operator tenant's admins create tenants.
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::CreateTenantRequest req;
    req.mutable_tenant()->set_tenant_id("initech");
    v1::CreateTenantResponse resp;
    const grpc::Status status = admin_->CreateTenant(&ctx, req, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("tenants.create"));
  }
  // A new tenant's first admin key works at once, in that tenant only.
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::CreateTenantRequest req;
  req.mutable_tenant()->set_tenant_id("initech");
  v1::CreateTenantResponse resp;
  ASSERT_TRUE(admin_->CreateTenant(&ctx, req, &resp).ok());
  keys_[Who::kOtherAdmin] = resp.admin_key_secret();
  EXPECT_TRUE(LeaderboardAs(Who::kOtherAdmin).empty());
}

TEST_F(TenantIsolationTest, OnlyTheOperatorTenantsAdminsBackUpTheDatabase) {
  // The backup holds every tenant: another tenant's admin may not take it.
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::BackupDatabaseRequest req;
    req.set_name("globex.db");
    v1::BackupDatabaseResponse resp;
    const grpc::Status status = admin_->BackupDatabase(&ctx, req, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(),
                ::testing::HasSubstr("database.backup"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("backups/globex.db")));
  IngestAs(Who::kOtherAdmin,
           {MakeEvent("g-post", "g1", clock_.Now() - absl::Hours(1))});
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kAdmin);
  v1::BackupDatabaseRequest req;
  v1::BackupDatabaseResponse resp;
  const grpc::Status status = admin_->BackupDatabase(&ctx, req, &resp);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // No name: one made from the time.
  EXPECT_EQ(resp.name(), absl::FormatTime("rapport-%Y%m%dT%H%M%SZ.db",
                                          clock_.Now(), absl::UTCTimeZone()));
  EXPECT_EQ(resp.event_count(), 1) << "globex's event is in acme's backup";
  EXPECT_EQ(resp.size_bytes(), static_cast<int64_t>(std::filesystem::file_size(
                                   dir_.File("backups/" + resp.name()))));
  // Taken again under the same name: ALREADY_EXISTS.
  grpc::ClientContext again;
  Authorize(again, Who::kAdmin);
  req.set_name(resp.name());
  EXPECT_EQ(admin_->BackupDatabase(&again, req, &resp).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // A bad name is refused naming the field.
  grpc::ClientContext bad;
  Authorize(bad, Who::kAdmin);
  req.set_name("../escape.db");
  const grpc::Status refused = admin_->BackupDatabase(&bad, req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::StartsWith("name: "));
  // Audited in the operator's trail, with the outcome.
  grpc::ClientContext audit_ctx;
  Authorize(audit_ctx, Who::kAdmin);
  v1::ListAuditEventsRequest audit_req;
  audit_req.set_target(absl::StrCat("backup:", resp.name()));
  v1::ListAuditEventsResponse audit;
  ASSERT_TRUE(admin_->ListAuditEvents(&audit_ctx, audit_req, &audit).ok());
  ASSERT_EQ(audit.events_size(), 2);
  EXPECT_THAT(audit.events(0).detail(),
              ::testing::HasSubstr("outcome=ALREADY_EXISTS"));
  EXPECT_THAT(audit.events(1).detail(), ::testing::HasSubstr("outcome=ok"));
  EXPECT_EQ(audit.events(1).method(),
            "/rapport.v1.AdminService/BackupDatabase");
}

TEST_F(TenantIsolationTest, RepsSeeTheirTeamsRanksButOnlyTheirOwnScore) {
  std::vector<v1::Event> events;
  for (const char* member : {"n1", "n2"}) {
    for (int i = 0; i < 2; ++i) {
      events.push_back(MakeEvent(absl::StrCat(member, "-", i), member,
                                 clock_.Now() - absl::Hours(3 + i)));
    }
  }
  IngestAs(Who::kAdmin, events);
  auto stub = v1::ScoringService::NewStub(channel_);
  grpc::ClientContext ctx;
  Authorize(ctx, Who::kRep);
  v1::GetLeaderboardRequest req;
  req.set_team("north");
  v1::GetLeaderboardResponse resp;
  ASSERT_TRUE(stub->GetLeaderboard(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.entries_size(), 2);
  for (const v1::LeaderboardEntry& e : resp.entries()) {
    EXPECT_GE(e.rank(), 1);
    if (e.member_id() == "n1") {
      EXPECT_GT(e.total(), 0);
    } else {
      EXPECT_EQ(e.total(), 0) << "another rep's score is hidden";
      EXPECT_TRUE(e.pillars().empty());
    }
  }
}

}  // namespace
}  // namespace rapport::testing

namespace rapport::testing {
namespace {

class OidcAccessTest : public AccessFixture {
 protected:
  grpc::Status GetScore(const std::string& token, const std::string& member) {
    auto stub = v1::ScoringService::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    v1::GetScoreRequest req;
    req.set_member_id(member);
    v1::GetScoreResponse resp;
    return stub->GetScore(&ctx, req, &resp);
  }
  grpc::Status Leaderboard(const std::string& token, const std::string& team) {
    auto stub = v1::ScoringService::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    v1::GetLeaderboardRequest req;
    req.set_team(team);
    v1::GetLeaderboardResponse resp;
    return stub->GetLeaderboard(&ctx, req, &resp);
  }
};

TEST_F(OidcAccessTest, ATokenActsAsTheRoleAndTeamsItsClaimsMapTo) {
  const std::string manager = Token();
  EXPECT_TRUE(Leaderboard(manager, "north").ok());
  EXPECT_EQ(Leaderboard(manager, "south").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(GetScore(manager, "n2").ok());
  EXPECT_EQ(GetScore(manager, "s1").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const std::string rep =
      Token({{"groups", R"(["rapport-reps"])"}, {"email", R"("n1")"}});
  EXPECT_TRUE(GetScore(rep, "n1").ok());
  EXPECT_EQ(GetScore(rep, "n2").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const grpc::Status no_role =
      GetScore(Token({{"groups", R"(["sales"])"}}), "n1");
  EXPECT_EQ(no_role.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(OidcAccessTest, TheProvidersNewKeysAreTakenWithoutARestart) {
  const std::string old_token = Token();
  ASSERT_TRUE(GetScore(old_token, "n1").ok());
  const Pkey next = GenerateRsaKey();
  WriteJwksFile(dir_.File("jwks.json"), {{next.get(), "k2", "RS256"}});
  clock_.Advance(absl::Seconds(2));  // Past the JWKS file check interval.
  const std::string payload = absl::StrCat(
      R"({"iss":"https://idp.test","sub":"u-2","aud":"rapport",)",
      R"("groups":["rapport-managers","rapport-team-north"],"exp":)",
      absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)), "}");
  EXPECT_TRUE(GetScore(MintJwt(next.get(), "RS256", "k2", payload), "n1").ok());
  // A token verified before is remembered a few seconds, then refused.
  clock_.Advance(auth::Authenticator::kTokenCacheTtl);
  EXPECT_EQ(GetScore(old_token, "n1").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace rapport::testing

namespace rapport::testing {
namespace {

// The HTTP port (over TLS): each tenant's metrics key scrapes its own
// tenant's series, each viewer's page shows its own tenant within its scope.
class HttpIsolationTest : public AccessFixture {
 protected:
  void Customize(app::ServerOptions& options) override {
    options.metrics_listen = "127.0.0.1:0";
  }
  HttpResponse Get(const std::string& path, const std::string& key) {
    return HttpsGetWithKey(path, key);
  }
};

TEST_F(HttpIsolationTest, MetricsAndPagesStayWithTheirTenant) {
  // globex's own metrics key.
  std::string globex_metrics;
  {
    grpc::ClientContext ctx;
    Authorize(ctx, Who::kOtherAdmin);
    v1::CreateApiKeyRequest req;
    req.set_name("prometheus");
    req.mutable_scope()->set_role(v1::ROLE_METRICS);
    v1::CreateApiKeyResponse resp;
    ASSERT_TRUE(admin_->CreateApiKey(&ctx, req, &resp).ok());
    globex_metrics = resp.secret();
  }
  EXPECT_EQ(Get("/metrics", "").status_code, 401);
  EXPECT_EQ(Get("/metrics", keys_[Who::kRep]).status_code, 403);
  const HttpResponse acme = Get("/metrics", keys_[Who::kMetrics]);
  ASSERT_EQ(acme.status_code, 200);
  EXPECT_THAT(acme.body, ::testing::HasSubstr("member=\"s1\""));
  EXPECT_THAT(acme.body, ::testing::Not(::testing::HasSubstr("member=\"g1\"")));
  const HttpResponse globex = Get("/metrics", globex_metrics);
  ASSERT_EQ(globex.status_code, 200);
  EXPECT_THAT(globex.body, ::testing::HasSubstr("member=\"g1\""));
  EXPECT_THAT(globex.body,
              ::testing::Not(::testing::HasSubstr("member=\"s1\"")));

  // Pages: the metrics role has none; each admin sees its own tenant.
  EXPECT_EQ(Get("/", keys_[Who::kMetrics]).status_code, 403);
  const HttpResponse acme_page = Get("/", keys_[Who::kAdmin]);
  ASSERT_EQ(acme_page.status_code, 200);
  EXPECT_THAT(acme_page.body, ::testing::HasSubstr("data-member=\"s1\""));
  EXPECT_THAT(acme_page.body,
              ::testing::Not(::testing::HasSubstr("data-member=\"g1\"")));
  const HttpResponse globex_page = Get("/", keys_[Who::kOtherAdmin]);
  ASSERT_EQ(globex_page.status_code, 200);
  EXPECT_THAT(globex_page.body, ::testing::HasSubstr("data-member=\"g1\""));
  // A manager sees their team, not another; a rep their own team.
  const HttpResponse manager = Get("/", keys_[Who::kManager]);
  ASSERT_EQ(manager.status_code, 200);
  EXPECT_THAT(manager.body, ::testing::HasSubstr("data-member=\"n2\""));
  EXPECT_THAT(manager.body,
              ::testing::Not(::testing::HasSubstr("data-member=\"s1\"")));
  EXPECT_EQ(Get("/?team=south", keys_[Who::kManager]).status_code, 403);
  EXPECT_EQ(Get("/?team=south", keys_[Who::kRep]).status_code, 403);
  EXPECT_EQ(Get("/", keys_[Who::kRep]).status_code, 200);
}

}  // namespace
}  // namespace rapport::testing
