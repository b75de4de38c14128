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
  return MakeComponent(
      "prospecting",
      "Prospect searches, saved leads and prospect profile views (weighted)",
      raw, m.target, m.max_points, ctx.model.curvature);
}

// Distinct people, so that writing ten times to one person reaches one.
// Each counts once at most, by the latest request or message in the window
// (activity_sums.cc).
ComponentScore DecisionMakerReach(const Context& ctx) {
  const auto& m = ctx.model.find_right_people.decision_maker_reach;
  const double raw = ctx.sums->contacts.reach;
  const int64_t people = ctx.sums->contacts.people;
  const int64_t senior = ctx.sums->contacts.senior;
  if (ctx.facts != nullptr) {
    ctx.facts->contacts_reached = people;
    ctx.facts->decision_makers_reached = senior;
  }
  return MakeComponent(
      "decision_maker_reach",
      "People you asked to connect or wrote to, weighted by seniority", raw,
      m.target, m.max_points, ctx.model.curvature);
}

// Requests sent in the window; accepted when the acceptance is not after
// as_of.
ComponentScore AcceptanceRate(const Context& ctx) {
  const RateComponentModel& m = ctx.model.find_right_people.acceptance_rate;
  const int64_t requested = ctx.sums->contacts.requested;
  const int64_t accepted = ctx.sums->contacts.accepted;
  if (ctx.facts != nullptr) {
    ctx.facts->requests_sent = requested;
    ctx.facts->requests_accepted = accepted;
  }
  const RateEstimate rate = EstimateRate(accepted, requested, m);
  return MakeComponent("acceptance_rate", "Connection requests accepted",
                       rate.used, m.target, m.max_points, ctx.model.curvature);
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
