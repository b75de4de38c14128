// Who may see what on the HTTP port: the gate in front of /metrics and the
// leaderboard page, and the page each viewer gets.
//
//   /metrics  permission metrics.scrape (roles metrics and admin): the
//             process's metrics and the viewer's tenant's leaderboard series
//   /         permission page.read: admins any team or the whole tenant,
//             managers their teams, reps their own team as the tenant's
//             rep_leaderboard setting allows
//
// A request authenticates with `Authorization: Bearer` (an API key or an
// OIDC token, through the same Authenticator as gRPC calls), or, from a
// trusted proxy's address only, with the proxy's identity headers, or with
// a verified client certificate that a client certificate rule maps.
#ifndef RAPPORT_SERVER_APP_HTTP_ACCESS_H_
#define RAPPORT_SERVER_APP_HTTP_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rapport/config/v1/auth.pb.h"
#include "server/auth/authenticator.h"
#include "server/auth/cidr.h"
#include "server/auth/principal.h"
#include "server/board/score_board.h"
#include "server/core/goals.h"
#include "server/core/validation.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/store/store.h"

namespace rapport::app {

class HttpGate {
 public:
  // `authenticator` must outlive the gate; the proxies come from the auth
  // config (validated: their addresses parse).
  HttpGate(const auth::Authenticator* authenticator,
           const config::v1::AuthConfig& config);

  // The viewer of a request to "/" or "/metrics", or UNAUTHENTICATED /
  // PERMISSION_DENIED (naming the permission) / UNAVAILABLE.
  absl::StatusOr<auth::Principal> Admit(
      const metrics::HttpCaller& caller) const;

  // Who sent a request, whatever it asks for: the principal of its bearer
  // token, of a trusted proxy's identity headers or of its client
  // certificate, or UNAUTHENTICATED (the reason is for logs, not callers)
  // / UNAVAILABLE.
  absl::StatusOr<auth::Principal> Identify(
      const metrics::HttpCaller& caller) const;

 private:
  struct Proxy {
    std::vector<auth::Cidr> addresses;
    config::v1::TrustedProxy config;
  };
  // The principal of a trusted proxy's identity headers, or nullopt when
  // the caller is not a trusted proxy or sent no identity headers.
  std::optional<absl::StatusOr<auth::Principal>> FromProxy(
      const metrics::HttpCaller& caller) const;

  const auth::Authenticator* const authenticator_;
  std::vector<Proxy> proxies_;
};

struct PageSettings {
  double decline_points = 5;
  double score_floor = 40;
  // Goals whose on/off-track indicator the page shows; none when null.
  const core::GoalTracker* goals = nullptr;
  // When set, an admin's tenant-wide page ends with the tenant's validation
  // report (ScoreValidation::ReadyDailyReport: computed once a day, in the
  // background).
  const core::ScoreValidation* validation = nullptr;
};

// The leaderboard page for `request` (its viewer; none: an admin of
// `default_tenant`, authentication being off). NOT_FOUND for a team
// without members, PERMISSION_DENIED outside the viewer's scope.
absl::StatusOr<std::string> LeaderboardPageFor(
    board::ScoreBoard& boards, store::Store& store,
    const std::string& default_tenant, const PageSettings& settings,
    const metrics::PageRequest& request);

}  // namespace rapport::app

#endif  // RAPPORT_SERVER_APP_HTTP_ACCESS_H_
