// GoalService (rapport.v1.GoalService): targets managers set for a member's
// or a team's score, with their progress (core/goals.h). The handlers
// validate, check the caller's scope, and make one store call each.
#ifndef RAPPORT_SERVER_API_GOAL_SERVICE_H_
#define RAPPORT_SERVER_API_GOAL_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rapport/v1/goal.grpc.pb.h"
#include "server/api/access.h"
#include "server/common/clock.h"
#include "server/common/worker_pool.h"
#include "server/core/goals.h"
#include "server/core/scores.h"

namespace rapport::api {

// How far ahead a goal may be due: two years (of 365 days, and a leap day).
inline constexpr absl::Duration kMaxGoalHorizon = absl::Hours(24 * 731);
// The longest note, in characters.
inline constexpr size_t kMaxGoalNoteLength = 500;

// A new goal id: "g_" then 16 lower-case hex digits from OpenSSL's CSPRNG.
// INTERNAL when the generator fails.
absl::StatusOr<std::string> NewGoalId();

// Thread-safe. Does not own its dependencies.
//
// Scope: goals.write lets managers set and delete goals of their teams and
// of their teams' members, admins any; goals.read lets reps list their own
// goals and their team's, managers their teams' and their members', admins
// all. Errors: INVALID_ARGUMENT naming the field; NOT_FOUND for an unknown
// member, a team without members or an unknown goal; PERMISSION_DENIED
// outside the caller's scope; FAILED_PRECONDITION when the tenant holds
// store::kMaxGoalsPerTenant goals; the store's errors otherwise.
class GoalServiceImpl final : public v1::GoalService::CallbackService {
 public:
  GoalServiceImpl(const core::ScoreQueries* scores,
                  const core::GoalTracker* goals, const Access* access,
                  const Clock* clock, WorkerPool* pool);

  grpc::ServerUnaryReactor* CreateGoal(
      grpc::CallbackServerContext* context,
      const v1::CreateGoalRequest* request,
      v1::CreateGoalResponse* response) override;
  grpc::ServerUnaryReactor* ListGoals(grpc::CallbackServerContext* context,
                                      const v1::ListGoalsRequest* request,
                                      v1::ListGoalsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteGoal(
      grpc::CallbackServerContext* context,
      const v1::DeleteGoalRequest* request,
      v1::DeleteGoalResponse* response) override;

 private:
  absl::Status HandleCreate(const grpc::CallbackServerContext& context,
                            const v1::CreateGoalRequest& request,
                            v1::CreateGoalResponse* response);
  absl::Status HandleList(const grpc::CallbackServerContext& context,
                          const v1::ListGoalsRequest& request,
                          v1::ListGoalsResponse* response);
  absl::Status HandleDelete(const grpc::CallbackServerContext& context,
                            const v1::DeleteGoalRequest& request);

  const core::ScoreQueries* const scores_;
  const core::GoalTracker* const goals_;
  const Access* const access_;
  const Clock* const clock_;
  WorkerPool* const pool_;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_GOAL_SERVICE_H_
