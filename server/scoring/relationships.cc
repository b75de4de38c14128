// Pillar 4, build relationships: being answered, answering, keeping
// two-way relationships up, following up, exchanging recommendations.
//
// Outreach alone never earns points here: every component needs the other
// side to have written (a reply, an exchange, a thread they started) or a
// recommendation. Unanswered threads only enlarge the reply rate's
// denominator, so they can lower this pillar and never raise it.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/model/enums.h"
#include "server/scoring/component.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring::internal {
namespace {

using model::EventType;

// Threads the member started in the window; answered when the contact's
// first reply (ThreadState::first_reply_time) is not after as_of.
ComponentScore ReplyRate(const Context& ctx) {
  const RateComponentModel& m = ctx.model.build_relationships.reply_rate;
  const int64_t started = ctx.sums->threads.started;
  const int64_t replied = ctx.sums->threads.replied;
  if (ctx.facts != nullptr) {
    ctx.facts->threads_started = started;
    ctx.facts->threads_replied = replied;
  }
  const RateEstimate rate = EstimateRate(replied, started, m);
  return MakeComponent("reply_rate", "Replies to the threads you started",
                       rate.used, m.target, m.max_points, ctx.model.curvature);
}

// Contacts with whom the member exchanged both ways in the window; each
// counts once at most, by the older of the two latest messages.
ComponentScore TwoWay(const Context& ctx) {
  const ComponentModel& m = ctx.model.build_relationships.two_way_relationships;
  const double raw = ctx.sums->contacts.two_way;
  const int64_t n = ctx.sums->contacts.exchanged;
  if (ctx.facts != nullptr) ctx.facts->two_way_contacts = n;
  return MakeComponent(
      "two_way_relationships",
      "Contacts you exchanged messages with both ways (recency-weighted)", raw,
      m.target, m.max_points, ctx.model.curvature);
}

// Threads the contact started in the window; answered when the member's
// first answer (ThreadState::first_answer_time) is not after as_of.
ComponentScore Reciprocity(const Context& ctx) {
  const RateComponentModel& m = ctx.model.build_relationships.reciprocity;
  const int64_t received = ctx.sums->threads.received;
  const int64_t answered = ctx.sums->threads.answered;
  if (ctx.facts != nullptr) {
    ctx.facts->threads_received = received;
    ctx.facts->threads_answered = answered;
  }
  const RateEstimate rate = EstimateRate(answered, received, m);
  return MakeComponent("reciprocity",
                       "Threads others started that you answered", rate.used,
                       m.target, m.max_points, ctx.model.curvature);
}

// Threads the member followed up before the reply came, by the reply's day.
ComponentScore FollowUpsAnswered(const Context& ctx) {
  const ComponentModel& m = ctx.model.build_relationships.follow_ups_answered;
  const double raw = ctx.sums->threads.follow_up;
  const int64_t n = ctx.sums->threads.followed_up;
  if (ctx.facts != nullptr) ctx.facts->follow_ups_answered = n;
  return MakeComponent("follow_ups_answered",
                       "Threads answered after a follow-up", raw, m.target,
                       m.max_points, ctx.model.curvature);
}

ComponentScore RecommendationExchange(const Context& ctx) {
  const ComponentModel& m =
      ctx.model.build_relationships.recommendation_exchange;
  const EventTotals& e = ctx.events;
  return MakeComponent("recommendation_exchange",
                       "Recommendations given and received (recency-weighted)",
                       e.Weighted(EventType::kRecommendationGiven) +
                           e.Weighted(EventType::kRecommendationReceived),
                       m.target, m.max_points, ctx.model.curvature);
}

}  // namespace

PillarScore ScoreBuildRelationships(const Context& ctx) {
  PillarScore pillar;
  pillar.pillar = model::Pillar::kBuildRelationships;
  Add(pillar, ReplyRate(ctx));
  Add(pillar, TwoWay(ctx));
  Add(pillar, Reciprocity(ctx));
  Add(pillar, FollowUpsAnswered(ctx));
  Add(pillar, RecommendationExchange(ctx));
  return pillar;
}

}  // namespace rapport::scoring::internal
