// Recommend(): the next actions worth most points for a member, each with
// its exact expected gain. Pure, over the scoring and outreach libraries: the
// result depends only on the arguments (no clock, no I/O, no globals), so the
// same inputs always give the same list. Thread-safe.
//
// Every candidate action is an Action (action.h) at a concrete size ("publish
// 2 posts", "follow up these 5 threads"): what the member does, and what the
// member can expect of others at their own rates (each message answered with
// the member's reply rate, each connection request accepted with their
// acceptance rate, a post's reactions, comments and shares at their own
// average per post). Its expected gain is the mean over the action's
// outcomes o (outcomes.h), weighted by their probabilities P(o), of
//   Score(model, Apply(action, o)(profile, activity), as_of).total
//     - Score(model, profile, activity, as_of).total,
// the member re-scored with the action done at as_of under the same model
// (see docs/recommendations.md for every kind).
#ifndef RAPPORT_SERVER_RECOMMEND_RECOMMEND_H_
#define RAPPORT_SERVER_RECOMMEND_RECOMMEND_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"
#include "server/recommend/action.h"
#include "server/scoring/model.h"

namespace rapport::recommend {

// The kinds of action; values match rapport.v1.RecommendationKind.
enum class Kind : int {
  kUnspecified = 0,
  kAddPhoto = 1,
  kAddCertifications = 2,
  kAddVolunteerOrBoardRole = 3,
  kDescribePositions = 4,
  kAddEducation = 5,
  kExchangeRecommendations = 6,
  kPublish = 7,
  kShareAndComment = 8,
  kJoinGroupDiscussion = 9,
  kConnectDecisionMakers = 10,
  kFollowUpThreads = 11,
  kFollowUpEventContacts = 12,
  kReconnect = 13,
  kFillNetworkCategories = 14,
  kShapeCoreNetwork = 15,
  kSlowDownOutreach = 16,
};
inline constexpr int kMaxKind = 16;

// True for the kinds recommended even at zero expected gain (never at a
// negative one): what the member stands to lose (a thread going cold, an event
// contact's window, a core contact dropping out) is their urgency.
bool IsUrgentKind(Kind kind);

// What an action concerns.
struct Target {
  std::string contact_id;
  std::string thread_id;
  std::optional<absl::Time> due_time;

  friend bool operator==(const Target&, const Target&) = default;
};

struct Recommendation {
  Kind kind = Kind::kUnspecified;
  // The pillar that gains most from the action.
  model::Pillar pillar = model::Pillar::kUnspecified;
  std::string title;         // Says the action's size.
  std::string rationale;     // From the member's own data.
  double expected_gain = 0;  // >= 0.
  std::vector<Target> targets;
  // Applied with each of its outcomes and re-scored, weighted by the
  // outcomes' probabilities: expected_gain.
  Action action;

  friend bool operator==(const Recommendation&,
                         const Recommendation&) = default;
};

struct RecommendOptions {
  // The most recommendations returned; < 0 means 0.
  int max_results = 10;
  // The pooled 30-day reply rate of the member's team, when the caller has
  // one for a group large enough to show; otherwise outreach is compared
  // with the model's prior reply rate.
  std::optional<double> team_reply_rate;
  // A non-urgent action must add more than this many points.
  double min_gain = 0.01;
};

struct Recommendations {
  absl::Time as_of;          // The instant recommended at.
  double current_total = 0;  // The member's SSI at as_of.
  std::string model_version;
  // Largest gain first; ties by kind, then by the first target's ids.
  std::vector<Recommendation> recommendations;

  friend bool operator==(const Recommendations&,
                         const Recommendations&) = default;
};

// The member's recommendations as of `as_of`. `activity` should hold the
// member's aggregates over the model's window ending at as_of (what Score()
// reads); `model` must have passed scoring::ValidateModel(). Never
// recommends what is already done, an action whose expected gain is
// negative (urgent or not), nor a non-urgent action adding no more than
// options.min_gain.
Recommendations Recommend(const scoring::ScoringModel& model,
                          const model::Profile& profile,
                          const model::MemberActivity& activity,
                          absl::Time as_of, const RecommendOptions& options);

}  // namespace rapport::recommend

#endif  // RAPPORT_SERVER_RECOMMEND_RECOMMEND_H_
