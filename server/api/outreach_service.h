// OutreachService (rapport.v1.OutreachService): whether outreach works, for
// one member or a team. The handler validates the request, makes one call
// to core::OutreachReports and converts the answer.
#ifndef RAPPORT_SERVER_API_OUTREACH_SERVICE_H_
#define RAPPORT_SERVER_API_OUTREACH_SERVICE_H_

#include "rapport/v1/outreach.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/common/worker_pool.h"
#include "server/core/outreach_reports.h"
#include "server/outreach/options.h"

namespace rapport::api {

struct OutreachServiceOptions {
  ValidationLimits validation;
  outreach::OutreachOptions analysis;
};

// The analysis options of a request: `options.analysis` with the request's
// unanswered_after_days and max_unanswered, or their defaults where 0 (as
// every request that sets neither gets, and the outreach cache keeps).
outreach::OutreachOptions RequestAnalysis(const OutreachServiceOptions& options,
                                          int unanswered_after_days = 0,
                                          int max_unanswered = 0);

// Thread-safe. Does not own its dependencies.
class OutreachServiceImpl final : public v1::OutreachService::CallbackService {
 public:
  OutreachServiceImpl(const core::OutreachReports* reports,
                      const Access* access, const Clock* clock,
                      OutreachServiceOptions options, WorkerPool* pool);

  grpc::ServerUnaryReactor* GetOutreachEffectiveness(
      grpc::CallbackServerContext* context,
      const v1::GetOutreachEffectivenessRequest* request,
      v1::GetOutreachEffectivenessResponse* response) override;

 private:
  absl::Status Handle(const grpc::CallbackServerContext& context,
                      const v1::GetOutreachEffectivenessRequest& request,
                      v1::GetOutreachEffectivenessResponse* response);

  const core::OutreachReports* const reports_;
  const Access* const access_;
  const Clock* const clock_;
  const OutreachServiceOptions options_;
  WorkerPool* const pool_;  // Runs the calls that can be slow.
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_OUTREACH_SERVICE_H_
