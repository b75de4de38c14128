// ValidationService (rapport.v1.ValidationService): whether the score
// predicts outcomes in the tenant or one team. The handler checks the
// request and the caller's scope, makes one call to core::ScoreValidation
// (on the call pool: it reads every member's history) and converts.
#ifndef RAPPORT_SERVER_API_VALIDATION_SERVICE_H_
#define RAPPORT_SERVER_API_VALIDATION_SERVICE_H_

#include "rapport/v1/validation.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/common/worker_pool.h"
#include "server/core/validation.h"

namespace rapport::api {

struct ValidationServiceOptions {
  ValidationLimits validation;
};

// The response of `report`.
void ToProto(const core::ValidationReport& report,
             v1::GetValidationReportResponse* out);

// Thread-safe. Does not own its dependencies.
//
// Access (validation.read): admins for the tenant or any team; managers for
// one of their teams only — an empty team (the whole tenant) is
// PERMISSION_DENIED for them, as are other teams. Errors: INVALID_ARGUMENT
// naming team, history_days, outcome_days, confidence or as_of; NOT_FOUND
// for a team without members; the store's errors otherwise.
class ValidationServiceImpl final
    : public v1::ValidationService::CallbackService {
 public:
  ValidationServiceImpl(const core::ScoreValidation* validation,
                        const Access* access, const Clock* clock,
                        ValidationServiceOptions options, WorkerPool* pool);

  grpc::ServerUnaryReactor* GetValidationReport(
      grpc::CallbackServerContext* context,
      const v1::GetValidationReportRequest* request,
      v1::GetValidationReportResponse* response) override;

 private:
  absl::Status Handle(const grpc::CallbackServerContext& context,
                      const v1::GetValidationReportRequest& request,
                      v1::GetValidationReportResponse* response);

  const core::ScoreValidation* const validation_;
  const Access* const access_;
  const Clock* const clock_;
  const ValidationServiceOptions options_;
  WorkerPool* const pool_;  // Runs the reports.
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_VALIDATION_SERVICE_H_
