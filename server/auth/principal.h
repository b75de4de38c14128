// Who is calling: a tenant, a role in it, and the role's scope. Every call
// that reaches a handler carries one, verified from its credential (an API
// key, an OIDC token, a client certificate, or a trusted proxy's headers).
#ifndef RAPPORT_SERVER_AUTH_PRINCIPAL_H_
#define RAPPORT_SERVER_AUTH_PRINCIPAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rapport::auth {

// From most to least privileged; the order ranks roles when a token's claims
// map to several.
enum class Role {
  kAdmin,        // Everything in the tenant, including keys.
  kIntegration,  // Writes members and events, reads scores back.
  kManager,      // Reads the members of the teams in scope.
  kRep,          // Reads their own figures (and their team's leaderboard
                 // as the tenant allows).
  kMetrics,      // Scrapes /metrics.
};

// "admin", "integration", "manager", "rep", "metrics".
absl::string_view RoleName(Role role);
// The role named `name` (as RoleName spells it); nullopt otherwise.
std::optional<Role> ParseRole(absl::string_view name);

struct Principal {
  std::string tenant;
  Role role = Role::kRep;
  // kRep: the member they are.
  std::string member_id;
  // kManager: the teams they manage, sorted, without repeats.
  std::vector<std::string> teams;
  // Stable and unique across credential kinds, for binding page tokens and
  // for audit: "key:<key_id>", "oidc:<issuer>#<sub>", "cert:<uri or
  // subject>", "proxy:<user>", "local" (authentication off).
  std::string id;
  // May create tenants (an admin of the operator tenant).
  bool operator_admin = false;

  // True when the principal may see `member_id` of team `team` of its own
  // tenant: admins and integrations see everyone, managers their teams'
  // members, reps themselves.
  bool Sees(absl::string_view member_id, absl::string_view team) const;
  // True for a manager of `team` and for admins and integrations.
  bool ManagesTeam(absl::string_view team) const;
};

// The principal of every call when authentication is off (loopback only):
// an admin of `tenant`.
Principal LocalAdmin(absl::string_view tenant);

}  // namespace rapport::auth

#endif  // RAPPORT_SERVER_AUTH_PRINCIPAL_H_
