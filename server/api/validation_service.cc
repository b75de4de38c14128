#include "server/api/validation_service.h"

#include <utility>

#include "server/api/convert.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

void ToProto(const core::CorrelationFigures& f, v1::Correlation* out) {
  out->set_rho(f.rho);
  out->set_ci_low(f.ci_low);
  out->set_ci_high(f.ci_high);
  out->set_member_days(f.member_days);
  out->set_members(f.members);
  out->set_significant(f.significant);
}

}  // namespace

void ToProto(const core::ValidationReport& report,
             v1::GetValidationReportResponse* out) {
  for (const core::PredictorFigures& p : report.predictors) {
    v1::PredictorValidation* predictor = out->add_predictors();
    predictor->set_pillar(api::ToProto(p.pillar));
    ToProto(p.meetings, predictor->mutable_meetings());
    ToProto(p.replies, predictor->mutable_replies());
    predictor->set_verdict(p.verdict);
  }
  ToProtoTime(absl::FromCivil(report.first_day, absl::UTCTimeZone()),
              out->mutable_start_time());
  ToProtoTime(absl::FromCivil(report.last_day, absl::UTCTimeZone()),
              out->mutable_end_time());
  out->set_outcome_days(report.outcome_days);
  out->set_confidence(report.confidence);
  out->set_member_days(report.member_days);
  out->set_members(report.members);
  out->set_verdict(report.verdict);
  out->set_team(report.team);
  out->set_model_version(report.model_version);
}

ValidationServiceImpl::ValidationServiceImpl(
    const core::ScoreValidation* validation, const Access* access,
    const Clock* clock, ValidationServiceOptions options, WorkerPool* pool)
    : validation_(validation),
      access_(access),
      clock_(clock),
      options_(std::move(options)),
      pool_(pool) {}

absl::Status ValidationServiceImpl::Handle(
    const grpc::CallbackServerContext& context,
    const v1::GetValidationReportRequest& request,
    v1::GetValidationReportResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckTextField("team", request.team(), kMaxGroupLength,
                              /*required=*/false);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(), now,
                            options_.validation);
  if (!as_of.ok()) return as_of.status();
  core::ValidationRequest query;
  query.team = request.team();
  query.history_days = request.history_days();
  query.outcome_days = request.outcome_days();
  query.confidence = request.confidence();
  query.as_of = as_of->value_or(now);
  // The ranges before the scope: a malformed request is refused alike to
  // everyone.
  if (auto resolved = core::ResolveValidationRequest(query); !resolved.ok()) {
    return resolved.status();
  }
  const auth::Permission permission = auth::Permission::kValidationRead;
  if (auto s = request.team().empty()
                   ? access_->TenantWide(*principal, permission,
                                         "the tenant's validation report")
                   : access_->Team(*principal, request.team(), permission);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<core::ValidationReport> report =
      validation_->Report(principal->tenant, query);
  if (!report.ok()) return report.status();
  ToProto(*report, response);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ValidationServiceImpl::GetValidationReport(
    grpc::CallbackServerContext* context,
    const v1::GetValidationReportRequest* request,
    v1::GetValidationReportResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return Handle(*context, *request, response);
  });
}

}  // namespace rapport::api
