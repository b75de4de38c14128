// OutreachService (rapport.v1.OutreachService): whether outreach works, for
// one member or a team, from the store's thread and contact aggregates and
// the pure outreach library. A thin adapter like the other services.
#ifndef RAPPORT_SERVER_API_OUTREACH_SERVICE_H_
#define RAPPORT_SERVER_API_OUTREACH_SERVICE_H_

#include "rapport/v1/outreach.grpc.pb.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/outreach/options.h"
#include "server/store/store.h"

namespace rapport::api {

struct OutreachServiceOptions {
  ValidationLimits validation;
  outreach::OutreachOptions analysis;
  // Team comparisons are withheld below this many members with a rate.
  int min_group_size = 5;
};

// Thread-safe. Does not own its dependencies.
class OutreachServiceImpl final : public v1::OutreachService::CallbackService {
 public:
  OutreachServiceImpl(store::Store* store, const Clock* clock,
                      OutreachServiceOptions options);

  grpc::ServerUnaryReactor* GetOutreachEffectiveness(
      grpc::CallbackServerContext* context,
      const v1::GetOutreachEffectivenessRequest* request,
      v1::GetOutreachEffectivenessResponse* response) override;

 private:
  absl::Status Handle(const grpc::CallbackServerContext& context,
                      const v1::GetOutreachEffectivenessRequest& request,
                      v1::GetOutreachEffectivenessResponse* response);

  store::Store* const store_;
  const Clock* const clock_;
  const OutreachServiceOptions options_;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_OUTREACH_SERVICE_H_
