// RecommendationService (rapport.v1.RecommendationService): a member's next
// actions worth most points, from one read of the member's aggregates and
// the pure recommendation library, which re-scores every candidate action in
// memory. A thin adapter like the other services.
#ifndef RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_
#define RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_

#include <optional>
#include <string>

#include "rapport/v1/recommendation.grpc.pb.h"
#include "server/api/validate.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/store/store.h"

namespace rapport::api {

struct RecommendationServiceOptions {
  ValidationLimits validation;
  // The team's reply rate is used (and shown) only for teams of at least
  // this many members; smaller teams are compared with the model's prior.
  int min_group_size = 5;
};

// Thread-safe. Does not own its dependencies.
//
// Errors: INVALID_ARGUMENT naming member_id, max_results or as_of;
// NOT_FOUND for an unknown member; the store's errors otherwise.
class RecommendationServiceImpl final
    : public v1::RecommendationService::CallbackService {
 public:
  // `board` supplies the scoring model and the team's cached 30-day outreach
  // figures.
  RecommendationServiceImpl(store::Store* store, board::ScoreBoard* board,
                            const Clock* clock,
                            RecommendationServiceOptions options);

  grpc::ServerUnaryReactor* GetRecommendations(
      grpc::CallbackServerContext* context,
      const v1::GetRecommendationsRequest* request,
      v1::GetRecommendationsResponse* response) override;

 private:
  absl::Status Handle(const grpc::CallbackServerContext& context,
                      const v1::GetRecommendationsRequest& request,
                      v1::GetRecommendationsResponse* response);
  // The pooled 30-day reply rate of the member's teammates, from the score
  // board; nullopt for a team below min_group_size or without threads.
  absl::StatusOr<std::optional<double>> TeamReplyRate(
      const store::TenantId& tenant, const model::Member& member,
      std::optional<absl::Time> as_of);

  store::Store* const store_;
  board::ScoreBoard* const board_;
  const Clock* const clock_;
  const RecommendationServiceOptions options_;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_RECOMMENDATION_SERVICE_H_
