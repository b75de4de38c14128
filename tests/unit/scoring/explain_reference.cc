// The scoring code as it was when every component's explanation was written
// as the component was computed, kept as the reference the explanations
// rendered from facts (scoring::Explain) are compared with, byte for byte.
// Built only into the tests.
#include "tests/unit/scoring/explain_reference.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/model/enums.h"
#include "server/scoring/component.h"
#include "server/scoring/event_totals.h"
#include "server/scoring/pillars.h"
#include "server/scoring/recency.h"

namespace rapport::scoring::reference {
namespace {

using internal::Add;
using internal::Context;
using internal::Count;
using internal::EstimateRate;
using internal::EventTotals;
using internal::ExplainAmount;
using internal::ExplainProfileCount;
using internal::ExplainRate;
using internal::LastDays;
using internal::MakeComponent;
using internal::Num;
using internal::Points;
using internal::RateEstimate;
using internal::Tail;

using model::EventType;

int64_t NonNegative(int n) { return std::max(n, 0); }

ComponentScore Photo(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.profile_photo;
  const bool has = ctx.profile.has_photo;
  ComponentScore c =
      MakeComponent("profile_photo", "Profile photo", has ? 1 : 0, m.target,
                    m.max_points, ctx.model.curvature);
  c.explanation =
      has ? absl::StrCat("Profile photo: ", Num(c.points), " of ",
                         Num(c.max_points), " points")
          : absl::StrCat(
                "No profile photo: add one for ",
                Num(Points(1, m.target, m.max_points, ctx.model.curvature)),
                " points");
  return c;
}

ComponentScore HeadlineSummary(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.headline_summary;
  const double curvature = ctx.model.curvature;
  const bool headline = ctx.profile.has_headline;
  const bool summary = ctx.profile.has_summary;
  const int n = (headline ? 1 : 0) + (summary ? 1 : 0);
  ComponentScore c = MakeComponent("headline_summary", "Headline and summary",
                                   n, m.target, m.max_points, curvature);
  const double gain =
      Points(n + 1, m.target, m.max_points, curvature) - c.points;
  if (n == 2) {
    c.explanation = absl::StrCat("Headline and summary: ", Num(c.points),
                                 " of ", Num(c.max_points), " points");
  } else if (n == 1) {
    c.explanation = absl::StrCat(headline ? "No summary" : "No headline",
                                 ": add one for ", Num(gain), " points");
  } else {
    c.explanation = absl::StrCat(
        "No headline or summary: add one for ", Num(gain), " points, both for ",
        Num(Points(2, m.target, m.max_points, curvature)));
  }
  return c;
}

ComponentScore ProfileCount(const Context& ctx, const ComponentModel& m,
                            absl::string_view name, absl::string_view signal,
                            int64_t n, absl::string_view singular,
                            absl::string_view plural) {
  ComponentScore c = MakeComponent(name, signal, static_cast<double>(n),
                                   m.target, m.max_points, ctx.model.curvature);
  c.explanation =
      ExplainProfileCount(c, n, singular, plural, ctx.model.curvature);
  return c;
}

// The profile snapshot may or may not already include the recommendations
// reported as events in the window: the larger of the two never counts one
// twice.
ComponentScore Recommendations(const Context& ctx) {
  const int64_t given =
      std::max(NonNegative(ctx.profile.recommendations_given_count),
               ctx.events.Count(EventType::kRecommendationGiven));
  const int64_t received =
      std::max(NonNegative(ctx.profile.recommendations_received_count),
               ctx.events.Count(EventType::kRecommendationReceived));
  const ComponentModel& m = ctx.model.professional_brand.recommendations;
  ComponentScore c =
      MakeComponent("recommendations", "Recommendations given and received",
                    static_cast<double>(given + received), m.target,
                    m.max_points, ctx.model.curvature);
  c.explanation = absl::StrCat(
      Count(given, "recommendation", "recommendations"), " given and ",
      received, " received", Tail(c, Num(m.target)));
  if (c.points < c.max_points && received == 0) {
    absl::StrAppend(&c.explanation, "; ask a colleague for one");
  }
  return c;
}

ComponentScore Posts(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.posts_published;
  const int64_t n = ctx.events.Count(EventType::kPostPublished);
  ComponentScore c =
      MakeComponent("posts_published", "Posts published (recency-weighted)",
                    ctx.events.Weighted(EventType::kPostPublished), m.target,
                    m.max_points, ctx.model.curvature);
  c.explanation =
      ExplainAmount(c, n == 0 ? "No posts" : Count(n, "post", "posts"),
                    ctx.recency.window_days(), "with recency");
  return c;
}

// "120 reactions, 14 comments and 3 shares".
std::string ReferenceEngagementLead(const EventTotals& e) {
  const int64_t reactions = e.Count(EventType::kReactionReceived);
  const int64_t comments = e.Count(EventType::kCommentReceived);
  const int64_t shares = e.Count(EventType::kShareReceived);
  if (reactions + comments + shares == 0) {
    return "No reactions, comments or shares on your content";
  }
  return absl::StrCat(Count(reactions, "reaction", "reactions"), ", ",
                      Count(comments, "comment", "comments"), " and ",
                      Count(shares, "share", "shares"), " on your content");
}

double ReferenceWeightedEngagement(const EventTotals& e,
                                   const EngagementWeights& w) {
  return w.reaction * e.Weighted(EventType::kReactionReceived) +
         w.comment * e.Weighted(EventType::kCommentReceived) +
         w.share * e.Weighted(EventType::kShareReceived);
}

PillarScore ReferenceProfessionalBrand(const Context& ctx) {
  const ProfessionalBrandModel& m = ctx.model.professional_brand;
  const model::Profile& p = ctx.profile;
  PillarScore pillar;
  pillar.pillar = model::Pillar::kProfessionalBrand;
  Add(pillar, Photo(ctx));
  Add(pillar, HeadlineSummary(ctx));
  Add(pillar, ProfileCount(ctx, m.positions_described, "positions_described",
                           "Positions with a description",
                           NonNegative(p.positions_with_description_count),
                           "position with a description",
                           "positions with a description"));
  Add(pillar, ProfileCount(ctx, m.education, "education", "Education entries",
                           NonNegative(p.education_count), "education entry",
                           "education entries"));
  Add(pillar, ProfileCount(ctx, m.certifications, "certifications",
                           "Licenses and certifications",
                           NonNegative(p.certifications_count), "certification",
                           "certifications"));
  Add(pillar,
      ProfileCount(ctx, m.volunteer_board, "volunteer_board",
                   "Volunteer and board roles",
                   NonNegative(p.volunteer_roles_count) +
                       NonNegative(p.board_roles_count),
                   "volunteer or board role", "volunteer and board roles"));
  Add(pillar, Recommendations(ctx));
  Add(pillar, Posts(ctx));

  const auto& em = m.engagement_received;
  ComponentScore engagement =
      MakeComponent("engagement_received",
                    "Reactions, comments and shares on your content (weighted)",
                    ReferenceWeightedEngagement(ctx.events, em.weights),
                    em.target, em.max_points, ctx.model.curvature);
  engagement.explanation =
      ExplainAmount(engagement, ReferenceEngagementLead(ctx.events),
                    ctx.recency.window_days(), "with weights and recency");
  Add(pillar, std::move(engagement));
  return pillar;
}

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
  c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                "with weights and recency");
  return c;
}

bool IsDecisionMaker(model::Seniority s) {
  return s == model::Seniority::kCSuite || s == model::Seniority::kVp ||
         s == model::Seniority::kDirector;
}

// Distinct people, so that writing ten times to one person reaches one.
// Each counts once at most, by the latest request or message in the window.
ComponentScore DecisionMakerReach(const Context& ctx) {
  const auto& m = ctx.model.find_right_people.decision_maker_reach;
  double raw = 0;
  int64_t people = 0;
  int64_t senior = 0;
  for (const model::ContactState& contact : ctx.activity.contacts) {
    const int out_age = ctx.recency.AgeOf(contact.last_outbound_time);
    const int request_age =
        ctx.recency.AgeOf(contact.connection_requested_time);
    const int age = out_age < 0       ? request_age
                    : request_age < 0 ? out_age
                                      : std::min(out_age, request_age);
    if (age < 0) continue;
    ++people;
    if (IsDecisionMaker(contact.seniority)) ++senior;
    raw += m.weights.Of(contact.seniority) * ctx.recency.CappedWeight(age);
  }
  ComponentScore c = MakeComponent(
      "decision_maker_reach",
      "People you asked to connect or wrote to, weighted by seniority", raw,
      m.target, m.max_points, ctx.model.curvature);
  const std::string lead =
      people == 0
          ? "You contacted nobody"
          : absl::StrCat("You contacted ", Count(people, "person", "people"),
                         ", ", senior, " of them directors or above,");
  c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                "with seniority and recency");
  return c;
}

// Requests sent in the window; accepted when the acceptance is not after
// as_of.
ComponentScore AcceptanceRate(const Context& ctx) {
  const RateComponentModel& m = ctx.model.find_right_people.acceptance_rate;
  int64_t requested = 0;
  int64_t accepted = 0;
  for (const model::ContactState& contact : ctx.activity.contacts) {
    if (ctx.recency.AgeOf(contact.connection_requested_time) < 0) continue;
    ++requested;
    if (ctx.recency.AtOrBeforeAsOf(contact.connection_accepted_time)) {
      ++accepted;
    }
  }
  const RateEstimate rate = EstimateRate(accepted, requested, m);
  ComponentScore c =
      MakeComponent("acceptance_rate", "Connection requests accepted",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
  c.explanation = ExplainRate(
      c, rate,
      absl::StrCat(
          accepted, " of your ",
          Count(requested, "connection request", "connection requests"), " in ",
          days, accepted == 1 ? " was" : " were", " accepted"),
      absl::StrCat("No connection requests in ", days,
                   ": no acceptance rate yet"));
  return c;
}

PillarScore ReferenceFindRightPeople(const Context& ctx) {
  PillarScore pillar;
  pillar.pillar = model::Pillar::kFindRightPeople;
  Add(pillar, Prospecting(ctx));
  Add(pillar, DecisionMakerReach(ctx));
  Add(pillar, AcceptanceRate(ctx));
  return pillar;
}

using model::EventType;

ComponentScore Counted(const Context& ctx, const ComponentModel& m,
                       EventType type, absl::string_view name,
                       absl::string_view signal, absl::string_view singular,
                       absl::string_view plural) {
  const int64_t n = ctx.events.Count(type);
  ComponentScore c = MakeComponent(name, signal, ctx.events.Weighted(type),
                                   m.target, m.max_points, ctx.model.curvature);
  c.explanation = ExplainAmount(
      c, n == 0 ? absl::StrCat("No ", plural) : Count(n, singular, plural),
      ctx.recency.window_days(), "with recency");
  return c;
}

ComponentScore GroupActivity(const Context& ctx) {
  const auto& m = ctx.model.engage_with_insights.group_activity;
  const EventTotals& e = ctx.events;
  const int64_t posts = e.Count(EventType::kGroupPost);
  const int64_t answers = e.Count(EventType::kGroupAnswer);
  ComponentScore c =
      MakeComponent("group_activity", "Group posts and answers (weighted)",
                    m.weights.post * e.Weighted(EventType::kGroupPost) +
                        m.weights.answer * e.Weighted(EventType::kGroupAnswer),
                    m.target, m.max_points, ctx.model.curvature);
  const std::string lead =
      posts + answers == 0
          ? "No group posts or answers"
          : absl::StrCat(Count(posts, "group post", "group posts"), " and ",
                         Count(answers, "group answer", "group answers"));
  c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                "with weights and recency");
  return c;
}

PillarScore ReferenceEngageWithInsights(const Context& ctx) {
  const EngageWithInsightsModel& m = ctx.model.engage_with_insights;
  PillarScore pillar;
  pillar.pillar = model::Pillar::kEngageWithInsights;
  Add(pillar, Counted(ctx, m.content_shared, EventType::kContentShared,
                      "content_shared", "Content shared (recency-weighted)",
                      "share of content", "shares of content"));
  Add(pillar,
      Counted(ctx, m.comments_made, EventType::kCommentMade, "comments_made",
              "Comments on others' content (recency-weighted)",
              "comment on others' content", "comments on others' content"));
  Add(pillar, GroupActivity(ctx));
  ComponentScore earned = MakeComponent(
      "engagement_earned",
      "Reactions, comments and shares your content earned (weighted)",
      ReferenceWeightedEngagement(ctx.events, m.engagement_earned.weights),
      m.engagement_earned.target, m.engagement_earned.max_points,
      ctx.model.curvature);
  earned.explanation =
      ExplainAmount(earned, ReferenceEngagementLead(ctx.events),
                    ctx.recency.window_days(), "with weights and recency");
  Add(pillar, std::move(earned));
  return pillar;
}

using model::EventType;

// Threads the member started in the window; answered when the contact's
// first reply (ThreadState::first_reply_time) is not after as_of.
ComponentScore ReplyRate(const Context& ctx) {
  const RateComponentModel& m = ctx.model.build_relationships.reply_rate;
  int64_t started = 0;
  int64_t replied = 0;
  for (const model::ThreadState& t : ctx.activity.threads) {
    if (!t.member_started() || ctx.recency.AgeOf(t.first_outbound_time) < 0) {
      continue;
    }
    ++started;
    if (ctx.recency.AtOrBeforeAsOf(t.first_reply_time)) ++replied;
  }
  const RateEstimate rate = EstimateRate(replied, started, m);
  ComponentScore c =
      MakeComponent("reply_rate", "Replies to the threads you started",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
  c.explanation = ExplainRate(
      c, rate,
      absl::StrCat(replied, " of your ", Count(started, "thread", "threads"),
                   " in ", days, " got a reply"),
      absl::StrCat("You started no threads in ", days, ": no reply rate yet"));
  return c;
}

// Contacts with whom the member exchanged both ways in the window; each
// counts once at most, by the older of the two latest messages.
ComponentScore TwoWay(const Context& ctx) {
  const ComponentModel& m = ctx.model.build_relationships.two_way_relationships;
  double raw = 0;
  int64_t n = 0;
  for (const model::ContactState& contact : ctx.activity.contacts) {
    const int out_age = ctx.recency.AgeOf(contact.last_outbound_time);
    const int in_age = ctx.recency.AgeOf(contact.last_inbound_time);
    if (out_age < 0 || in_age < 0) continue;
    ++n;
    raw += ctx.recency.CappedWeight(std::max(out_age, in_age));
  }
  ComponentScore c = MakeComponent(
      "two_way_relationships",
      "Contacts you exchanged messages with both ways (recency-weighted)", raw,
      m.target, m.max_points, ctx.model.curvature);
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
  int64_t received = 0;
  int64_t answered = 0;
  for (const model::ThreadState& t : ctx.activity.threads) {
    if (t.member_started() || ctx.recency.AgeOf(t.first_inbound_time) < 0) {
      continue;
    }
    ++received;
    if (ctx.recency.AtOrBeforeAsOf(t.first_answer_time)) ++answered;
  }
  const RateEstimate rate = EstimateRate(answered, received, m);
  ComponentScore c =
      MakeComponent("reciprocity", "Threads others started that you answered",
                    rate.used, m.target, m.max_points, ctx.model.curvature);
  const std::string days = LastDays(ctx.recency.window_days());
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
  double raw = 0;
  int64_t n = 0;
  for (const model::ThreadState& t : ctx.activity.threads) {
    if (!t.member_started() || t.follow_ups_before_reply <= 0) continue;
    const int age = ctx.recency.AgeOf(t.first_reply_time);
    if (age < 0) continue;
    ++n;
    raw += ctx.recency.CappedWeight(age);
  }
  ComponentScore c =
      MakeComponent("follow_ups_answered", "Threads answered after a follow-up",
                    raw, m.target, m.max_points, ctx.model.curvature);
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
  c.explanation = ExplainAmount(
      c,
      given + received == 0
          ? "No recommendations given or received"
          : absl::StrCat(Count(given, "recommendation", "recommendations"),
                         " given and ", received, " received"),
      ctx.recency.window_days(), "with recency");
  return c;
}

PillarScore ReferenceBuildRelationships(const Context& ctx) {
  PillarScore pillar;
  pillar.pillar = model::Pillar::kBuildRelationships;
  Add(pillar, ReplyRate(ctx));
  Add(pillar, TwoWay(ctx));
  Add(pillar, Reciprocity(ctx));
  Add(pillar, FollowUpsAnswered(ctx));
  Add(pillar, RecommendationExchange(ctx));
  return pillar;
}

}  // namespace

ScoreResult Score(const ScoringModel& model, const model::Profile& profile,
                  const model::MemberActivity& activity, absl::Time as_of) {
  const internal::Recency recency(model.window_days, model.half_life_days,
                                  as_of);
  const internal::EventTotals events(activity.daily, recency);
  const Context ctx{.model = model,
                    .profile = profile,
                    .activity = activity,
                    .recency = recency,
                    .events = events};
  ScoreResult result;
  result.model_version = ctx.model.version;
  result.pillars.reserve(4);
  result.pillars.push_back(ReferenceProfessionalBrand(ctx));
  result.pillars.push_back(ReferenceFindRightPeople(ctx));
  result.pillars.push_back(ReferenceEngageWithInsights(ctx));
  result.pillars.push_back(ReferenceBuildRelationships(ctx));
  for (const PillarScore& p : result.pillars) result.total += p.score;
  return result;
}

}  // namespace rapport::scoring::reference
