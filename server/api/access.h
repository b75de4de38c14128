// Access: what handlers ask before they read or write — the call's
// principal (from the Gatekeeper) and whether it reaches the member or team
// a request names. Within its tenant a principal outside its scope gets
// PERMISSION_DENIED naming the permission; another tenant's members do not
// exist for it (NOT_FOUND, as for any unknown member).
#ifndef RAPPORT_SERVER_API_ACCESS_H_
#define RAPPORT_SERVER_API_ACCESS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/api/gatekeeper.h"
#include "server/auth/access.h"
#include "server/auth/principal.h"
#include "server/store/store.h"

namespace rapport::api {

// What a rep sees of their team's leaderboard (rapport.v1.RepLeaderboard).
enum class RepView { kFull, kRanksOnly, kNone };

// For a rep asking for `team`'s leaderboard (or page): their view of it
// under the tenant's setting; PERMISSION_DENIED when `team` is not their own
// or the tenant shows reps no leaderboard. Reads the rep's member and the
// tenant.
absl::StatusOr<RepView> RepTeamView(store::Store& store,
                                    const auth::Principal& principal,
                                    const std::string& team);

// The audit context of a change `principal` makes through `method` (a full
// gRPC method name) at `now`.
store::AuditContext AuditContextOf(const auth::Principal& principal,
                                   absl::string_view method, absl::Time now);

class Access {
 public:
  // Both must outlive the Access.
  Access(const Gatekeeper* gatekeeper, store::Store* store);

  absl::StatusOr<auth::Principal> PrincipalOf(
      const grpc::ServerContextBase& context) const {
    return gatekeeper_->PrincipalOf(context);
  }

  // OK when `principal` may use `permission` on `member_id`: admins and
  // integrations on anyone of their tenant, managers on their teams'
  // members, reps on themselves. A manager's check reads the member's team
  // (NOT_FOUND when there is no such member).
  absl::Status Member(const auth::Principal& principal,
                      const std::string& member_id,
                      auth::Permission permission) const;
  // The same for a member whose team the caller already knows (no read).
  static absl::Status MemberOfTeam(const auth::Principal& principal,
                                   const std::string& member_id,
                                   const std::string& team,
                                   auth::Permission permission);

  // OK when `principal` may use `permission` on `team` as a whole: admins
  // and integrations, and managers of the team. Reps only through
  // RepTeamView.
  absl::Status Team(const auth::Principal& principal, const std::string& team,
                    auth::Permission permission) const;

  // OK for admins and integrations; PERMISSION_DENIED for the others, whose
  // figures must name a team (`what` says which figures).
  absl::Status TenantWide(const auth::Principal& principal,
                          auth::Permission permission,
                          absl::string_view what) const;

  // For a rep asking for `team`'s leaderboard: their view of it under the
  // tenant's setting; PERMISSION_DENIED when `team` is not their own or the
  // tenant shows reps no leaderboard.
  absl::StatusOr<RepView> RepTeamView(const auth::Principal& principal,
                                      const std::string& team) const {
    return api::RepTeamView(*store_, principal, team);
  }

 private:
  const Gatekeeper* const gatekeeper_;
  store::Store* const store_;
};

// Binds page tokens to the caller: part of every list's filters, so that a
// token is refused when presented by another principal or tenant.
std::string PrincipalKey(const auth::Principal& principal);

// PERMISSION_DENIED: "permission P on WHAT is not granted to ROLE: WHY".
absl::Status ScopeDenied(const auth::Principal& principal,
                         auth::Permission permission, absl::string_view what,
                         absl::string_view why);

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_ACCESS_H_
