// ScoringService (rapport.v1.ScoringService): scores, ranks, history,
// leaderboards and decliners. Each handler validates the request, makes one
// call to core::ScoreQueries and converts the answer.
#ifndef RAPPORT_SERVER_API_SCORING_SERVICE_H_
#define RAPPORT_SERVER_API_SCORING_SERVICE_H_

#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/goal_annotations.h"
#include "server/api/read_audit.h"
#include "server/api/validate.h"
#include "server/common/clock.h"
#include "server/common/worker_pool.h"
#include "server/core/score_changes.h"
#include "server/core/scores.h"

namespace rapport::api {

struct ScoringServiceOptions {
  ValidationLimits validation;
  int max_batch_members = 1000;
  int max_history_days = 366;
  int max_period_days = 90;
};

// Thread-safe. Does not own its dependencies.
//
// GetScore is the hot path (CRM syncs, dashboards): it is served as raw
// bytes, each member's response serialized once per board and then copied
// out, so a cached score costs no protobuf building or serialization.
class ScoringServiceImpl final
    : public v1::ScoringService::WithRawCallbackMethod_GetScore<
          v1::ScoringService::CallbackService> {
 public:
  // `access` decides what each caller may read. When `reads` is not null,
  // every member score read (GetScore, BatchGetScores, GetScoreHistory) is
  // recorded there.
  ScoringServiceImpl(const core::ScoreQueries* scores, const Access* access,
                     ReadAuditLog* reads, const Clock* clock,
                     ScoringServiceOptions options, WorkerPool* pool);

  // Goals shown with current scores and leaderboards; none when not set.
  // Call before the service is registered.
  void SetGoals(const GoalAnnotations* goals) { goals_ = goals; }
  // The score changes feed ListScoreChanges reads; UNIMPLEMENTED when not
  // set. Call before the service is registered.
  void SetChanges(const core::ScoreChangeFeed* changes) { changes_ = changes; }

  grpc::ServerUnaryReactor* GetScore(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchGetScores(
      grpc::CallbackServerContext* context,
      const v1::BatchGetScoresRequest* request,
      v1::BatchGetScoresResponse* response) override;
  grpc::ServerUnaryReactor* GetScoreHistory(
      grpc::CallbackServerContext* context,
      const v1::GetScoreHistoryRequest* request,
      v1::GetScoreHistoryResponse* response) override;
  grpc::ServerUnaryReactor* GetLeaderboard(
      grpc::CallbackServerContext* context,
      const v1::GetLeaderboardRequest* request,
      v1::GetLeaderboardResponse* response) override;
  grpc::ServerUnaryReactor* ListDecliningMembers(
      grpc::CallbackServerContext* context,
      const v1::ListDecliningMembersRequest* request,
      v1::ListDecliningMembersResponse* response) override;
  grpc::ServerUnaryReactor* ListScoreChanges(
      grpc::CallbackServerContext* context,
      const v1::ListScoreChangesRequest* request,
      v1::ListScoreChangesResponse* response) override;

 private:
  // The serialized GetScoreResponse.
  absl::StatusOr<std::string> DoGetScore(
      const grpc::CallbackServerContext& context,
      const v1::GetScoreRequest& request);
  absl::Status DoBatchGetScores(const grpc::CallbackServerContext& context,
                                const v1::BatchGetScoresRequest& request,
                                v1::BatchGetScoresResponse* response);
  absl::Status DoGetScoreHistory(const grpc::CallbackServerContext& context,
                                 const v1::GetScoreHistoryRequest& request,
                                 v1::GetScoreHistoryResponse* response);
  absl::Status DoGetLeaderboard(const grpc::CallbackServerContext& context,
                                const v1::GetLeaderboardRequest& request,
                                v1::GetLeaderboardResponse* response);
  absl::Status DoListDecliningMembers(
      const grpc::CallbackServerContext& context,
      const v1::ListDecliningMembersRequest& request,
      v1::ListDecliningMembersResponse* response);
  absl::Status DoListScoreChanges(const grpc::CallbackServerContext& context,
                                  const v1::ListScoreChangesRequest& request,
                                  v1::ListScoreChangesResponse* response);

  const core::ScoreQueries* const scores_;
  const Access* const access_;
  ReadAuditLog* const reads_;
  const Clock* const clock_;
  const ScoringServiceOptions options_;
  WorkerPool* const pool_;  // Runs the calls that can be slow.
  const GoalAnnotations* goals_ = nullptr;
  const core::ScoreChangeFeed* changes_ = nullptr;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_SCORING_SERVICE_H_
