// Pillar 2, find the right people: prospecting, reaching decision makers,
// and getting connection requests accepted.
#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "server/model/enums.h"
#include "server/scoring/component.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring::internal {
namespace {

using model::EventType;

ComponentScore Prospecting(const Context& ctx) {
  const auto& m = ctx.model.find_right_people.prospecting;
  const EventTotals& e = ctx.events;
  const double raw =
      m.weights.search * e.Weighted(EventType::kProspectSearch) +
      m.weights.lead_saved * e.Weighted(EventType::kLeadSaved) +
      m.weights.profile_view * e.Weighted(EventType::kProspectProfileViewed);
  ComponentScore c = MakeComponent(
      "prospecting",
      "Prospect searches, saved leads and prospect profile views (weighted)",
      raw, m.target, m.max_points, ctx.model.curvature);
  const int64_t searches = e.Count(EventType::kProspectSearch);
  const int64_t leads = e.Count(EventType::kLeadSaved);
  const int64_t views = e.Count(EventType::kProspectProfileViewed);
  const std::string lead =
      searches + leads + views == 0
          ? "No prospect searches, saved leads or prospect profile views"
          : absl::StrCat(
                Count(searches, "prospect search", "prospect searches"), ", ",
                Count(leads, "saved lead", "saved leads"), " and ",
                Count(views, "prospect profile view",
                      "prospect profile views"));
  if (ctx.explain)
    c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                  "with weights and recency");
  return c;
}

// Distinct people, so that writing ten times to one person reaches one.
// Each counts once at most, by the latest request or message in the window
// (activity_sums.cc).
ComponentScore DecisionMakerReach(const Context& ctx) {
  const auto& m = ctx.model.find_right_people.decision_maker_reach;
  const double raw = ctx.sums->contacts.reach;
  const int64_t people = ctx.sums->contacts.people;
  const int64_t senior = ctx.sums->contacts.senior;
  ComponentScore c = MakeComponent(
      "decision_maker_reach",
      "People you asked to connect or wrote to, weighted by seniority", raw,
      m.target, m.max_points, ctx.model.curvature);
  const std::string lead =
      people == 0
          ? "You contacted nobody"
          : absl::StrCat("You contacted ", Count(people, "person", "people"),
                         ", ", senior, " of them directors or above,");
  if (ctx.explain)
    c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                  "with seniority and recency");
  return c;
}

// Requests sent in the window; accepted when the acceptance is not after
// as_of.
ComponentScore AcceptanceRate(const Context& ctx) {
  const RateComponentModel& m = ctx.model.find_right_people.acceptance_rate;
  const int64_t requested = ctx.sums->contacts.requested;
  const int64_t accepted = ctx.sums->contacts.accepted;
  const RateEstimate rate = EstimateRate(accepted, requested, m);
  ComponentScore c =
      MakeComponent("acceptance_rate", "Connection requests accepted",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
  if (ctx.explain)
    c.explanation = ExplainRate(
        c, rate,
        absl::StrCat(
            accepted, " of your ",
            Count(requested, "connection request", "connection requests"),
            " in ", days, accepted == 1 ? " was" : " were", " accepted"),
        absl::StrCat("No connection requests in ", days,
                     ": no acceptance rate yet"));
  return c;
}

}  // namespace

PillarScore ScoreFindRightPeople(const Context& ctx) {
  PillarScore pillar;
  pillar.pillar = model::Pillar::kFindRightPeople;
  Add(pillar, Prospecting(ctx));
  Add(pillar, DecisionMakerReach(ctx));
  Add(pillar, AcceptanceRate(ctx));
  return pillar;
}

}  // namespace rapport::scoring::internal
