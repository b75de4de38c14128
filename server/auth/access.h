// The access rules: which permission each gRPC method and HTTP resource
// needs, and which roles hold which permissions. One table, checked in one
// place (api::Gatekeeper for gRPC, the HTTP gate for the page and /metrics);
// a method without a rule is refused.
//
// Scope (a manager's teams, a rep's own member) is checked by the handlers,
// which know whose data a request touches.
#ifndef RAPPORT_SERVER_AUTH_ACCESS_H_
#define RAPPORT_SERVER_AUTH_ACCESS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/auth/principal.h"

namespace rapport::auth {

enum class Permission {
  kMembersWrite,         // Upsert and delete members, ingest events.
  kMembersRead,          // Read members.
  kScoresRead,           // Scores and score history.
  kLeaderboardRead,      // Leaderboards and declining members.
  kOutreachRead,         // Outreach effectiveness.
  kRecommendationsRead,  // Recommended next actions.
  kKeysManage,           // Create, list and revoke API keys.
  kTenantsCreate,        // Create tenants (operator admins only).
  kContactsErase,        // Erase a contact across the tenant.
  kAuditRead,            // Read the audit trail.
  kMetricsScrape,        // GET /metrics.
  kPageRead,             // GET / (the leaderboard page).
  kGoalsWrite,  // Set and delete goals (managers for their teams and their
                // members, admins for all).
  kGoalsRead,   // List goals (reps their own and their team's, managers
                // their teams', admins all).
  // Whether the score predicts outcomes: admins, and managers for their
  // teams.
  kValidationRead,
  // Back up the whole database, every tenant (operator admins only).
  kDatabaseBackup,
};

// "members.write", "scores.read", ...
absl::string_view PermissionName(Permission permission);

// Whether `role` holds `permission` at all (scope aside). kTenantsCreate
// and kDatabaseBackup also need Principal::operator_admin.
bool RoleHas(Role role, Permission permission);

struct MethodRule {
  absl::string_view method;  // "/rapport.v1.ScoringService/GetScore".
  Permission permission;
};

// Every rule, one per method of the rapport.v1 services.
absl::Span<const MethodRule> MethodRules();

// The permission `method` needs; nullopt when it has no rule.
std::optional<Permission> RequiredPermission(absl::string_view method);

// OK when `principal` holds `permission`; PERMISSION_DENIED naming the
// permission and the role otherwise.
absl::Status Authorize(const Principal& principal, Permission permission);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_ACCESS_H_
