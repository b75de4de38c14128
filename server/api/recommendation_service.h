// RecommendationService (rapport.v1.RecommendationService): a member's next
// actions worth most points. The handler validates the request, makes one
// call to core::NextActions and converts the answer.
#ifndef RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_
#define RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_

#include "rapport/v1/recommendation.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/common/worker_pool.h"
#include "server/core/recommendations.h"

namespace rapport::api {

struct RecommendationServiceOptions {
  ValidationLimits validation;
};

// Thread-safe. Does not own its dependencies.
//
// Errors: INVALID_ARGUMENT naming member_id, max_results or as_of;
// NOT_FOUND for an unknown member; the store's errors otherwise.
class RecommendationServiceImpl final
    : public v1::RecommendationService::CallbackService {
 public:
  RecommendationServiceImpl(const core::NextActions* actions,
                            const Access* access, const Clock* clock,
                            RecommendationServiceOptions options,
                            WorkerPool* pool);

  grpc::ServerUnaryReactor* GetRecommendations(
      grpc::CallbackServerContext* context,
      const v1::GetRecommendationsRequest* request,
      v1::GetRecommendationsResponse* response) override;

 private:
  absl::Status Handle(const grpc::CallbackServerContext& context,
                      const v1::GetRecommendationsRequest& request,
                      v1::GetRecommendationsResponse* response);

  const core::NextActions* const actions_;
  const Access* const access_;
  const Clock* const clock_;
  const RecommendationServiceOptions options_;
  WorkerPool* const pool_;  // Runs the calls that can be slow.
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_
