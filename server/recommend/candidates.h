// The candidate actions of Recommend(), one function per kind, and what
// they share. Internal to rapport::recommend.
//
// A candidate function declines (nullopt) when its action is already done or
// does not apply; otherwise it returns the kind, title, rationale, targets
// and Action. The engine computes gains and pillars, filters and ranks.
#ifndef RAPPORT_SERVER_RECOMMEND_CANDIDATES_H_
#define RAPPORT_SERVER_RECOMMEND_CANDIDATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"
#include "server/outreach/report.h"
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"

namespace rapport::recommend::internal {

// Unanswered threads and the outreach comparison look at this window, the
// outreach report's default.
inline constexpr int kOutreachDays = 30;

struct Context {
  const scoring::ScoringModel& model;
  const model::Profile& profile;
  const model::MemberActivity& activity;
  absl::Time as_of;
  const RecommendOptions& options;
  const scoring::ScoreResult& now;
  // The rates the model scores (shrunk toward their priors), or the priors
  // when there is no sample: the probability of an answer to each message
  // or request.
  double reply_rate = 0;
  double acceptance_rate = 0;
  // For follow-ups of unanswered threads: the member's reply rate after a
  // follow-up over the last kOutreachDays days (recent.follow_ups), when
  // both of its groups are large enough to show it; else reply_rate.
  double follow_up_reply_rate = 0;
  // Over the last kOutreachDays days (unanswered threads uncapped).
  outreach::OutreachReport recent;
  // The core network over the model's window.
  outreach::IdealNetwork network;
};

// The component `name` of the current score, or nullptr.
const scoring::ComponentScore* ComponentOf(const scoring::ScoreResult& r,
                                           absl::string_view name);
// True when the component exists and has all its points.
bool IsFull(const scoring::ScoreResult& r, absl::string_view name);
// An expected count for a rationale: one decimal ("2.2"), two below 0.1
// ("0.05"), "0" for nothing.
std::string Approx(double x);
// Events of `type` in the daily buckets of the last `days` UTC days (as_of's
// day included).
int64_t CountInDays(const Context& ctx, model::EventType type, int days);
// The smallest whole count that reaches a component's target.
int WholeTarget(double target);

// Text helpers. "1 thread", "3 threads".
std::string Count(int64_t n, absl::string_view singular,
                  absl::string_view plural);
std::string Pct(double rate);  // "12%".
std::string SeniorityName(model::Seniority s);
std::string CategoryName(model::NetworkCategory c);
std::string DateOf(absl::Time t);  // "2026-03-31".

inline Target ForContact(std::string contact_id,
                         std::optional<absl::Time> due = std::nullopt) {
  Target t;
  t.contact_id = std::move(contact_id);
  t.due_time = due;
  return t;
}
inline Target ForThread(std::string contact_id, std::string thread_id) {
  Target t;
  t.contact_id = std::move(contact_id);
  t.thread_id = std::move(thread_id);
  return t;
}

using Candidate = std::optional<Recommendation>;

// Sets a candidate's expected_gain and pillar (docs/recommendations.md).
using MeasureFn = absl::FunctionRef<void(const Context&, Recommendation&)>;

// Recommend() with `measure` computing each candidate's gain: the
// candidates, their filtering and ranking are the engine's. Recommend()
// measures on one scratch copy with scoring::Rescorer; tests pass the
// straightforward computation (every outcome applied to a fresh copy and
// scored in full) and expect the same list, bit for bit.
Recommendations RecommendWith(const scoring::ScoringModel& model,
                              const model::Profile& profile,
                              const model::MemberActivity& activity,
                              absl::Time as_of, const RecommendOptions& options,
                              MeasureFn measure);

// Profile (profile_actions.cc).
Candidate AddPhoto(const Context& ctx);
Candidate AddCertifications(const Context& ctx);
Candidate AddVolunteerOrBoardRole(const Context& ctx);
Candidate DescribePositions(const Context& ctx);
Candidate AddEducation(const Context& ctx);
Candidate ExchangeRecommendations(const Context& ctx);
// Content (content_actions.cc).
Candidate Publish(const Context& ctx);
Candidate ShareAndComment(const Context& ctx);
Candidate JoinGroupDiscussion(const Context& ctx);
// Outreach (outreach_actions.cc).
Candidate ConnectDecisionMakers(const Context& ctx);
Candidate FollowUpThreads(const Context& ctx);
Candidate FollowUpEventContacts(const Context& ctx);
Candidate SlowDownOutreach(const Context& ctx);
// The core network (network_actions.cc).
Candidate Reconnect(const Context& ctx);
Candidate FillNetworkCategories(const Context& ctx);
Candidate ShapeCoreNetwork(const Context& ctx);

}  // namespace rapport::recommend::internal

#endif  // RAPPORT_SERVER_RECOMMEND_CANDIDATES_H_
