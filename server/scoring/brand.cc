// Pillar 1, establish a professional brand: the profile (photo, headline
// and summary, described positions, education, certifications, volunteer and
// board roles, recommendations) and content (posts and the engagement they
// receive).
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/model/enums.h"
#include "server/scoring/component.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring::internal {
namespace {

using model::EventType;

int64_t NonNegative(int n) { return std::max(n, 0); }

ComponentScore Photo(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.profile_photo;
  const bool has = ctx.profile.has_photo;
  ComponentScore c =
      MakeComponent("profile_photo", "Profile photo", has ? 1 : 0, m.target,
                    m.max_points, ctx.model.curvature);
  if (ctx.explain)
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
    if (ctx.explain)
      c.explanation = absl::StrCat("Headline and summary: ", Num(c.points),
                                   " of ", Num(c.max_points), " points");
  } else if (n == 1) {
    if (ctx.explain)
      c.explanation = absl::StrCat(headline ? "No summary" : "No headline",
                                   ": add one for ", Num(gain), " points");
  } else {
    if (ctx.explain)
      c.explanation =
          absl::StrCat("No headline or summary: add one for ", Num(gain),
                       " points, both for ",
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
  if (ctx.explain)
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
  if (ctx.explain)
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
  if (ctx.explain)
    c.explanation =
        ExplainAmount(c, n == 0 ? "No posts" : Count(n, "post", "posts"),
                      ctx.recency.window_days(), "with recency");
  return c;
}

}  // namespace

// "120 reactions, 14 comments and 3 shares".
std::string EngagementLead(const EventTotals& e) {
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

double WeightedEngagement(const EventTotals& e, const EngagementWeights& w) {
  return w.reaction * e.Weighted(EventType::kReactionReceived) +
         w.comment * e.Weighted(EventType::kCommentReceived) +
         w.share * e.Weighted(EventType::kShareReceived);
}

PillarScore ScoreProfessionalBrand(const Context& ctx) {
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
                    WeightedEngagement(ctx.events, em.weights), em.target,
                    em.max_points, ctx.model.curvature);
  if (ctx.explain)
    engagement.explanation =
        ExplainAmount(engagement, EngagementLead(ctx.events),
                      ctx.recency.window_days(), "with weights and recency");
  Add(pillar, std::move(engagement));
  return pillar;
}

}  // namespace rapport::scoring::internal
