#include "server/app/http_access.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/api/access.h"
#include "server/auth/access.h"
#include "server/auth/claims.h"
#include "server/auth/x509_identity.h"
#include "server/web/leaderboard_page.h"
#include "server/web/validation_section.h"

namespace rapport::app {
namespace {

// How long the page waits for a tenant's first board before answering 503.
constexpr absl::Duration kBoardWait = absl::Seconds(3);

std::optional<std::string> HeaderOf(const metrics::HttpCaller& caller,
                                    absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (const auto& [key, value] : caller.headers) {
    if (key == lower) return value;
  }
  return std::nullopt;
}

// The IP of "IP:PORT" or "[IPv6]:PORT".
std::string HostOf(const std::string& address) {
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    return close == std::string::npos ? address : address.substr(1, close - 1);
  }
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

// The goal indicators of the members `viewer` may see goals of; none when
// the goals cannot be read (the page is shown without them).
std::map<std::string, bool> GoalIndicators(const core::GoalTracker& goals,
                                           const auth::Principal& viewer,
                                           const board::Board& board) {
  absl::StatusOr<core::TenantGoals> tenant_goals =
      goals.ForTenant(viewer.tenant, board);
  if (!tenant_goals.ok()) return {};
  std::map<std::string, bool> marks = core::GoalsOnTrack(*tenant_goals);
  for (auto it = marks.begin(); it != marks.end();) {
    const board::MemberScore* m = board.Find(it->first);
    if (m == nullptr || !viewer.Sees(it->first, m->member.team)) {
      it = marks.erase(it);
    } else {
      ++it;
    }
  }
  return marks;
}

}  // namespace

HttpGate::HttpGate(const auth::Authenticator* authenticator,
                   const config::v1::AuthConfig& config)
    : authenticator_(authenticator) {
  for (const config::v1::TrustedProxy& proxy : config.trusted_proxies()) {
    Proxy p;
    p.config = proxy;
    for (const std::string& address : proxy.addresses()) {
      auth::Cidr cidr;
      if (auth::ParseCidr(address, &cidr)) p.addresses.push_back(cidr);
    }
    proxies_.push_back(std::move(p));
  }
}

std::optional<absl::StatusOr<auth::Principal>> HttpGate::FromProxy(
    const metrics::HttpCaller& caller) const {
  const std::string ip = HostOf(caller.remote_address);
  for (const Proxy& proxy : proxies_) {
    const bool trusted = std::any_of(
        proxy.addresses.begin(), proxy.addresses.end(),
        [&](const auth::Cidr& cidr) { return auth::AddressMatches(cidr, ip); });
    if (!trusted) continue;
    const config::v1::ClaimMapping& mapping = proxy.config.claims();
    google::protobuf::Struct claims;
    std::string user;
    for (const auto& [header, claim] : proxy.config.headers()) {
      std::optional<std::string> value = HeaderOf(caller, header);
      if (!value.has_value() || value->empty()) continue;
      if (user.empty() || claim == mapping.member_claim()) user = *value;
      google::protobuf::Value& out = (*claims.mutable_fields())[claim];
      if (claim == mapping.role_claim() || claim == mapping.teams_claim()) {
        for (absl::string_view part : absl::StrSplit(*value, ',')) {
          part = absl::StripAsciiWhitespace(part);
          if (!part.empty()) {
            out.mutable_list_value()->add_values()->set_string_value(
                std::string(part));
          }
        }
      } else {
        out.set_string_value(*value);
      }
    }
    // Without identity headers the request is not a proxied one (the proxy's
    // host may call for itself, with a key or a certificate).
    if (user.empty()) continue;
    return auth::MapClaims(mapping, claims, absl::StrCat("proxy:", user));
  }
  return std::nullopt;
}

absl::StatusOr<auth::Principal> HttpGate::Admit(
    const metrics::HttpCaller& caller) const {
  const auth::Permission permission = caller.path == "/metrics"
                                          ? auth::Permission::kMetricsScrape
                                          : auth::Permission::kPageRead;
  absl::StatusOr<auth::Principal> principal = Identify(caller);
  if (!principal.ok()) return principal.status();
  if (absl::Status s = auth::Authorize(*principal, permission); !s.ok()) {
    return s;
  }
  return principal;
}

absl::StatusOr<auth::Principal> HttpGate::Identify(
    const metrics::HttpCaller& caller) const {
  absl::StatusOr<auth::Principal> principal =
      absl::UnauthenticatedError("no credential");
  std::optional<std::string> authorization = HeaderOf(caller, "authorization");
  if (authorization.has_value()) {
    auth::Credentials credentials;
    credentials.authorization = *authorization;
    principal = authenticator_->Authenticate(credentials);
  } else if (auto proxied = FromProxy(caller); proxied.has_value()) {
    principal = *std::move(proxied);
  } else if (!caller.peer_cert_pem.empty() &&
             authenticator_->uses_client_certificates()) {
    // A verified client certificate (mutual TLS), as on the gRPC port.
    if (std::optional<auth::CertIdentity> identity =
            auth::IdentityOfCertificate(caller.peer_cert_pem)) {
      auth::Credentials credentials;
      credentials.cert_uris = std::move(identity->uris);
      credentials.cert_subject = std::move(identity->subject);
      principal = authenticator_->Authenticate(credentials);
    }
  }
  return principal;
}

absl::StatusOr<std::string> LeaderboardPageFor(
    board::ScoreBoard& boards, store::Store& store,
    const std::string& default_tenant, const PageSettings& settings,
    const metrics::PageRequest& request) {
  const auth::Principal viewer = request.viewer.has_value()
                                     ? *request.viewer
                                     : auth::LocalAdmin(default_tenant);
  web::LeaderboardPageOptions options;
  options.team = request.team;
  options.decline_points = settings.decline_points;
  options.score_floor = settings.score_floor;
  const auth::Permission permission = auth::Permission::kPageRead;
  switch (viewer.role) {
    case auth::Role::kAdmin:
      break;
    case auth::Role::kManager:
      if (options.team.empty() && !viewer.teams.empty()) {
        options.team = viewer.teams.front();
      }
      if (!viewer.ManagesTeam(options.team)) {
        return api::ScopeDenied(viewer, permission,
                                absl::StrCat("team ", options.team),
                                "not a team this manager manages");
      }
      options.link_to_tenant = false;
      break;
    case auth::Role::kRep: {
      absl::StatusOr<model::Member> self =
          store.GetMember(viewer.tenant, viewer.member_id);
      if (!self.ok() && !absl::IsNotFound(self.status())) return self.status();
      if (!self.ok()) {
        return api::ScopeDenied(viewer, permission, "the leaderboard",
                                "the rep is not a member yet");
      }
      if (options.team.empty()) options.team = self->team;
      absl::StatusOr<api::RepView> view =
          api::RepTeamView(store, viewer, options.team);
      if (!view.ok()) return view.status();
      if (*view == api::RepView::kRanksOnly) {
        options.scores_only_for = viewer.member_id;
      }
      options.link_to_tenant = false;
      break;
    }
    default:
      return auth::Authorize(viewer, permission);
  }
  absl::StatusOr<std::shared_ptr<const board::Board>> board =
      boards.Peek(viewer.tenant, kBoardWait);
  if (!board.ok()) return board.status();
  if (*board == nullptr) {
    return absl::UnavailableError(
        "The scores are being computed; reload in a few seconds.");
  }
  if (!options.team.empty() && (*board)->Team(options.team) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("No team named \u201C", options.team, "\u201D."));
  }
  if (settings.goals != nullptr &&
      auth::RoleHas(viewer.role, auth::Permission::kGoalsRead)) {
    options.goals_on_track = GoalIndicators(*settings.goals, viewer, **board);
  }
  if (settings.validation != nullptr && viewer.role == auth::Role::kAdmin &&
      options.team.empty()) {
    // The report of the day, computed in the background: until it is
    // ready (or when it cannot be read) the page says so and does not wait.
    std::shared_ptr<const core::ValidationReport> report =
        settings.validation->ReadyDailyReport(viewer.tenant, (*board)->as_of());
    options.tenant_view_extra_html = report != nullptr
                                         ? web::RenderValidationSection(*report)
                                         : web::RenderValidationPending();
  }
  return web::RenderLeaderboardPage(**board, options);
}

}  // namespace rapport::app
