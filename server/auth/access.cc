#include "server/auth/access.h"

#include "absl/strings/str_cat.h"

namespace rapport::auth {
namespace {

using P = Permission;

constexpr MethodRule kRules[] = {
    {"/rapport.v1.ActivityService/UpsertMember", P::kMembersWrite},
    {"/rapport.v1.ActivityService/GetMember", P::kMembersRead},
    {"/rapport.v1.ActivityService/ListMembers", P::kMembersRead},
    {"/rapport.v1.ActivityService/DeleteMember", P::kMembersWrite},
    {"/rapport.v1.ActivityService/IngestEvents", P::kMembersWrite},
    {"/rapport.v1.ActivityService/WriteEvents", P::kMembersWrite},
    {"/rapport.v1.ActivityService/BatchUpsertMembers", P::kMembersWrite},
    {"/rapport.v1.ScoringService/GetScore", P::kScoresRead},
    {"/rapport.v1.ScoringService/BatchGetScores", P::kScoresRead},
    {"/rapport.v1.ScoringService/GetScoreHistory", P::kScoresRead},
    {"/rapport.v1.ScoringService/GetLeaderboard", P::kLeaderboardRead},
    {"/rapport.v1.ScoringService/ListDecliningMembers", P::kLeaderboardRead},
    {"/rapport.v1.ScoringService/ListScoreChanges", P::kScoresRead},
    {"/rapport.v1.OutreachService/GetOutreachEffectiveness", P::kOutreachRead},
    {"/rapport.v1.RecommendationService/GetRecommendations",
     P::kRecommendationsRead},
    {"/rapport.v1.ValidationService/GetValidationReport", P::kValidationRead},
    {"/rapport.v1.AdminService/CreateTenant", P::kTenantsCreate},
    {"/rapport.v1.AdminService/CreateApiKey", P::kKeysManage},
    {"/rapport.v1.AdminService/ListApiKeys", P::kKeysManage},
    {"/rapport.v1.AdminService/RevokeApiKey", P::kKeysManage},
    {"/rapport.v1.AdminService/EraseContact", P::kContactsErase},
    {"/rapport.v1.AdminService/ListAuditEvents", P::kAuditRead},
    {"/rapport.v1.AdminService/BackupDatabase", P::kDatabaseBackup},
    {"/rapport.v1.GoalService/CreateGoal", P::kGoalsWrite},
    {"/rapport.v1.GoalService/ListGoals", P::kGoalsRead},
    {"/rapport.v1.GoalService/DeleteGoal", P::kGoalsWrite},
};

}  // namespace

absl::string_view PermissionName(Permission permission) {
  switch (permission) {
    case P::kMembersWrite:
      return "members.write";
    case P::kMembersRead:
      return "members.read";
    case P::kScoresRead:
      return "scores.read";
    case P::kLeaderboardRead:
      return "leaderboard.read";
    case P::kOutreachRead:
      return "outreach.read";
    case P::kRecommendationsRead:
      return "recommendations.read";
    case P::kKeysManage:
      return "keys.manage";
    case P::kTenantsCreate:
      return "tenants.create";
    case P::kContactsErase:
      return "contacts.erase";
    case P::kAuditRead:
      return "audit.read";
    case P::kMetricsScrape:
      return "metrics.scrape";
    case P::kPageRead:
      return "page.read";
    case P::kGoalsWrite:
      return "goals.write";
    case P::kGoalsRead:
      return "goals.read";
    case P::kValidationRead:
      return "validation.read";
    case P::kDatabaseBackup:
      return "database.backup";
  }
  return "unknown";
}

bool RoleHas(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kIntegration:
      return permission == P::kMembersWrite || permission == P::kMembersRead ||
             permission == P::kScoresRead;
    case Role::kManager:
      if (permission == P::kGoalsWrite) return true;
      if (permission == P::kValidationRead) return true;
      [[fallthrough]];
    case Role::kRep:
      return permission == P::kMembersRead || permission == P::kScoresRead ||
             permission == P::kLeaderboardRead ||
             permission == P::kOutreachRead ||
             permission == P::kRecommendationsRead ||
             permission == P::kPageRead || permission == P::kGoalsRead;
    case Role::kMetrics:
      return permission == P::kMetricsScrape;
  }
  return false;
}

absl::Span<const MethodRule> MethodRules() { return kRules; }

std::optional<Permission> RequiredPermission(absl::string_view method) {
  for (const MethodRule& rule : kRules) {
    if (rule.method == method) return rule.permission;
  }
  return std::nullopt;
}

absl::Status Authorize(const Principal& principal, Permission permission) {
  // Permissions over every tenant at once.
  const bool operator_only =
      permission == P::kTenantsCreate || permission == P::kDatabaseBackup;
  const bool granted = RoleHas(principal.role, permission) &&
                       (!operator_only || principal.operator_admin);
  if (granted) return absl::OkStatus();
  if (operator_only && principal.role == Role::kAdmin) {
    return absl::PermissionDeniedError(
        absl::StrCat("permission ", PermissionName(permission),
                     " is held only by admins of the operator tenant"));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("permission ", PermissionName(permission),
                   " is not granted to role ", RoleName(principal.role)));
}

}  // namespace rapport::auth
