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
  const RateEstimate rate = EstimateRate(replied, started, m);
  ComponentScore c =
      MakeComponent("reply_rate", "Replies to the threads you started",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
  if (ctx.explain)
    c.explanation = ExplainRate(
        c, rate,
        absl::StrCat(replied, " of your ", Count(started, "thread", "threads"),
                     " in ", days, " got a reply"),
        absl::StrCat("You started no threads in ", days,
                     ": no reply rate yet"));
  return c;
}

// Contacts with whom the member exchanged both ways in the window; each
// counts once at most, by the older of the two latest messages.
ComponentScore TwoWay(const Context& ctx) {
  const ComponentModel& m = ctx.model.build_relationships.two_way_relationships;
  const double raw = ctx.sums->contacts.two_way;
  const int64_t n = ctx.sums->contacts.exchanged;
  ComponentScore c = MakeComponent(
      "two_way_relationships",
      "Contacts you exchanged messages with both ways (recency-weighted)", raw,
      m.target, m.max_points, ctx.model.curvature);
  if (ctx.explain)
    c.explanation =
        ExplainAmount(c,
                      n == 0 ? "No two-way exchanges"
                             : absl::StrCat("Two-way exchanges with ",
                                            Count(n, "contact", "contacts")),
                      ctx.recency.window_days(), "with recency");
  return c;
}

// Threads the contact started in the window; answered when the member's
// first answer (ThreadState::first_answer_time) is not after as_of.
ComponentScore Reciprocity(const Context& ctx) {
  const RateComponentModel& m = ctx.model.build_relationships.reciprocity;
  const int64_t received = ctx.sums->threads.received;
  const int64_t answered = ctx.sums->threads.answered;
  const RateEstimate rate = EstimateRate(answered, received, m);
  ComponentScore c =
      MakeComponent("reciprocity", "Threads others started that you answered",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
  if (ctx.explain)
    c.explanation =
        ExplainRate(c, rate,
                    absl::StrCat("You answered ", answered, " of ",
                                 Count(received, "thread", "threads"),
                                 " others started with you in ", days),
                    absl::StrCat("Nobody started a thread with you in ", days,
                                 ": nothing to answer yet"));
  return c;
}

// Threads the member followed up before the reply came, by the reply's day.
ComponentScore FollowUpsAnswered(const Context& ctx) {
  const ComponentModel& m = ctx.model.build_relationships.follow_ups_answered;
  const double raw = ctx.sums->threads.follow_up;
  const int64_t n = ctx.sums->threads.followed_up;
  ComponentScore c =
      MakeComponent("follow_ups_answered", "Threads answered after a follow-up",
                    raw, m.target, m.max_points, ctx.model.curvature);
  if (ctx.explain)
    c.explanation =
        ExplainAmount(c,
                      n == 0 ? "No follow-up got an answer"
                             : absl::StrCat(Count(n, "thread", "threads"),
                                            " answered after your follow-up"),
                      ctx.recency.window_days(), "with recency");
  return c;
}

ComponentScore RecommendationExchange(const Context& ctx) {
  const ComponentModel& m =
      ctx.model.build_relationships.recommendation_exchange;
  const EventTotals& e = ctx.events;
  const int64_t given = e.Count(EventType::kRecommendationGiven);
  const int64_t received = e.Count(EventType::kRecommendationReceived);
  ComponentScore c =
      MakeComponent("recommendation_exchange",
                    "Recommendations given and received (recency-weighted)",
                    e.Weighted(EventType::kRecommendationGiven) +
                        e.Weighted(EventType::kRecommendationReceived),
                    m.target, m.max_points, ctx.model.curvature);
  if (ctx.explain)
    c.explanation = ExplainAmount(
        c,
        given + received == 0
            ? "No recommendations given or received"
            : absl::StrCat(Count(given, "recommendation", "recommendations"),
                           " given and ", received, " received"),
        ctx.recency.window_days(), "with recency");
  return c;
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
