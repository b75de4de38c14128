#include "server/auth/principal.h"

#include <algorithm>

namespace rapport::auth {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kIntegration:
      return "integration";
    case Role::kManager:
      return "manager";
    case Role::kRep:
      return "rep";
    case Role::kMetrics:
      return "metrics";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : {Role::kAdmin, Role::kIntegration, Role::kManager,
                    Role::kRep, Role::kMetrics}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool Principal::ManagesTeam(absl::string_view team) const {
  switch (role) {
    case Role::kAdmin:
    case Role::kIntegration:
      return true;
    case Role::kManager:
      return std::binary_search(teams.begin(), teams.end(), team);
    case Role::kRep:
    case Role::kMetrics:
      return false;
  }
  return false;
}

bool Principal::Sees(absl::string_view member, absl::string_view team) const {
  if (role == Role::kRep) return member == member_id;
  return ManagesTeam(team);
}

Principal LocalAdmin(absl::string_view tenant) {
  Principal principal;
  principal.tenant = std::string(tenant);
  principal.role = Role::kAdmin;
  principal.id = "local";
  principal.operator_admin = true;
  return principal;
}

}  // namespace rapport::auth
