#include "server/api/outreach_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/access.h"
#include "server/api/convert.h"
#include "server/api/deferred_call.h"
#include "server/api/outreach_convert.h"
#include "server/api/status.h"
#include "server/outreach/report.h"

namespace rapport::api {
namespace {

constexpr int kDefaultWindowDays = 30;
constexpr int kMaxWindowDays = 365;
constexpr int kDefaultUnansweredDays = 5;
constexpr int kMaxUnansweredDays = 90;
constexpr int kDefaultMaxUnanswered = 20;
constexpr int kMaxUnansweredListed = 1000;

absl::Status CheckRange(const char* field, int value, int max) {
  if (value < 0 || value > max) {
    return InvalidField(
        field, absl::StrCat("must be between 0 and ", max, ", got ", value));
  }
  return absl::OkStatus();
}

int OrDefault(int value, int default_value) {
  return value == 0 ? default_value : value;
}

}  // namespace

outreach::OutreachOptions RequestAnalysis(const OutreachServiceOptions& options,
                                          int unanswered_after_days,
                                          int max_unanswered) {
  outreach::OutreachOptions analysis = options.analysis;
  analysis.unanswered_after =
      absl::Hours(24) *
      OrDefault(unanswered_after_days, kDefaultUnansweredDays);
  analysis.max_unanswered = OrDefault(max_unanswered, kDefaultMaxUnanswered);
  return analysis;
}

OutreachServiceImpl::OutreachServiceImpl(const core::OutreachReports* reports,
                                         const Access* access,
                                         const Clock* clock,
                                         OutreachServiceOptions options,
                                         WorkerPool* pool)
    : reports_(reports),
      access_(access),
      clock_(clock),
      options_(std::move(options)),
      pool_(pool) {}

absl::Status OutreachServiceImpl::Handle(
    const grpc::CallbackServerContext& context,
    const v1::GetOutreachEffectivenessRequest& request,
    v1::GetOutreachEffectivenessResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  using Scope = v1::GetOutreachEffectivenessRequest;
  if (request.scope_case() == Scope::SCOPE_NOT_SET) {
    return InvalidField("scope", "set member_id or team");
  }
  if (request.has_member_id()) {
    if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
      return s;
    }
  } else if (request.team().empty()) {
    return InvalidField("team", "must not be empty");
  } else if (auto s =
                 CheckTextField("team", request.team(), kMaxGroupLength, true);
             !s.ok()) {
    return s;
  }
  for (auto s :
       {CheckRange("window_days", request.window_days(), kMaxWindowDays),
        CheckRange("unanswered_after_days", request.unanswered_after_days(),
                   kMaxUnansweredDays),
        CheckRange("max_unanswered", request.max_unanswered(),
                   kMaxUnansweredListed)}) {
    if (!s.ok()) return s;
  }
  constexpr auth::Permission kPermission = auth::Permission::kOutreachRead;
  if (auto s =
          request.has_member_id()
              ? access_->Member(*principal, request.member_id(), kPermission)
              : access_->Team(*principal, request.team(), kPermission);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(), now,
                            options_.validation);
  if (!as_of.ok()) return as_of.status();
  core::OutreachWindow window;
  window.end = as_of->value_or(now);
  window.end_is_now = !as_of->has_value();
  window.days = OrDefault(request.window_days(), kDefaultWindowDays);
  const outreach::OutreachOptions analysis = RequestAnalysis(
      options_, request.unanswered_after_days(), request.max_unanswered());
  ToProtoTime(outreach::WindowStart(window.end, window.days),
              response->mutable_window_start_time());
  ToProtoTime(window.end, response->mutable_window_end_time());

  // A window the cache does not keep reads every member: it stops once
  // the caller has gone.
  const StillWanted wanted = [&context] { return CallerGone(context); };
  if (!request.has_member_id()) {
    auto team = reports_->ForTeam(principal->tenant, request.team(), window,
                                  analysis, wanted);
    if (!team.ok()) return team.status();
    ToProto(**team, response);
    return absl::OkStatus();
  }
  auto mine = reports_->ForMember(principal->tenant, request.member_id(),
                                  window, analysis, wanted);
  if (!mine.ok()) return mine.status();
  ToProto(mine->report, response);
  ToProto(mine->comparison, response->mutable_team_comparison());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* OutreachServiceImpl::GetOutreachEffectiveness(
    grpc::CallbackServerContext* context,
    const v1::GetOutreachEffectivenessRequest* request,
    v1::GetOutreachEffectivenessResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return Handle(*context, *request, response);
  });
}

}  // namespace rapport::api
