#include "server/api/access.h"

#include "absl/strings/str_cat.h"

namespace rapport::api {

using auth::Principal;
using auth::Role;

absl::Status ScopeDenied(const Principal& principal,
                         auth::Permission permission, absl::string_view what,
                         absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(
      "permission ", auth::PermissionName(permission), " on ", what,
      " is not granted to this ", auth::RoleName(principal.role), ": ", why));
}

std::string PrincipalKey(const Principal& principal) {
  return absl::StrCat(principal.tenant, "\x1f", principal.id);
}

Access::Access(const Gatekeeper* gatekeeper, store::Store* store)
    : gatekeeper_(gatekeeper), store_(store) {}

absl::Status Access::Member(const Principal& principal,
                            const std::string& member_id,
                            auth::Permission permission) const {
  if (principal.role != Role::kManager) {
    return MemberOfTeam(principal, member_id, "", permission);
  }
  // Only a manager's scope depends on the member's team.
  absl::StatusOr<model::Member> member =
      store_->GetMember(principal.tenant, member_id);
  if (!member.ok()) return member.status();
  return MemberOfTeam(principal, member_id, member->team, permission);
}

absl::Status Access::MemberOfTeam(const Principal& principal,
                                  const std::string& member_id,
                                  const std::string& team,
                                  auth::Permission permission) {
  if (principal.Sees(member_id, team)) return absl::OkStatus();
  const char* why = "no member is in scope";
  if (principal.role == Role::kRep) why = "a rep reads only their own figures";
  if (principal.role == Role::kManager) {
    why = "the member is not in a team this manager manages";
  }
  return ScopeDenied(principal, permission, absl::StrCat("member ", member_id),
                     why);
}

absl::Status Access::Team(const Principal& principal, const std::string& team,
                          auth::Permission permission) const {
  if (principal.ManagesTeam(team)) return absl::OkStatus();
  return ScopeDenied(principal, permission, absl::StrCat("team ", team),
                     principal.role == Role::kManager
                         ? "not a team this manager manages"
                         : "team figures are for managers");
}

absl::Status Access::TenantWide(const Principal& principal,
                                auth::Permission permission,
                                absl::string_view what) const {
  if (principal.role == Role::kAdmin || principal.role == Role::kIntegration) {
    return absl::OkStatus();
  }
  return ScopeDenied(principal, permission, what,
                     principal.role == Role::kManager
                         ? "name one of the teams this manager manages"
                         : "a rep reads only their own figures");
}

absl::StatusOr<RepView> RepTeamView(store::Store& store,
                                    const Principal& principal,
                                    const std::string& team) {
  const auth::Permission permission = auth::Permission::kLeaderboardRead;
  absl::StatusOr<model::Member> self =
      store.GetMember(principal.tenant, principal.member_id);
  if (!self.ok() && !absl::IsNotFound(self.status())) return self.status();
  if (!self.ok() || self->team != team) {
    return ScopeDenied(principal, permission, absl::StrCat("team ", team),
                       "a rep sees only their own team's leaderboard");
  }
  absl::StatusOr<std::optional<store::TenantRecord>> tenant =
      store.FindTenant(principal.tenant);
  if (!tenant.ok()) return tenant.status();
  // rapport.v1.RepLeaderboard: 1 FULL, 3 NONE, otherwise RANKS_ONLY.
  const int setting = tenant->has_value() ? (*tenant)->rep_leaderboard : 0;
  if (setting == 3) {
    return ScopeDenied(principal, permission, absl::StrCat("team ", team),
                       "this tenant shows reps no leaderboard");
  }
  return setting == 1 ? RepView::kFull : RepView::kRanksOnly;
}

store::AuditContext AuditContextOf(const auth::Principal& principal,
                                   absl::string_view method, absl::Time now) {
  store::AuditContext audit;
  audit.principal = principal.id;
  audit.role = std::string(auth::RoleName(principal.role));
  audit.method = std::string(method);
  audit.time = now;
  return audit;
}

}  // namespace rapport::api
