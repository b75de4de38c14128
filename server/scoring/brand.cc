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
  return MakeComponent("profile_photo", "Profile photo", has ? 1 : 0, m.target,
                       m.max_points, ctx.model.curvature);
}

ComponentScore HeadlineSummary(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.headline_summary;
  const double curvature = ctx.model.curvature;
  const int n =
      (ctx.profile.has_headline ? 1 : 0) + (ctx.profile.has_summary ? 1 : 0);
  return MakeComponent("headline_summary", "Headline and summary", n, m.target,
                       m.max_points, curvature);
}

ComponentScore ProfileCount(const Context& ctx, const ComponentModel& m,
                            absl::string_view name, absl::string_view signal,
                            int64_t n) {
  return MakeComponent(name, signal, static_cast<double>(n), m.target,
                       m.max_points, ctx.model.curvature);
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
  return MakeComponent("recommendations", "Recommendations given and received",
                       static_cast<double>(given + received), m.target,
                       m.max_points, ctx.model.curvature);
}

ComponentScore Posts(const Context& ctx) {
  const ComponentModel& m = ctx.model.professional_brand.posts_published;
  return MakeComponent("posts_published", "Posts published (recency-weighted)",
                       ctx.events.Weighted(EventType::kPostPublished), m.target,
                       m.max_points, ctx.model.curvature);
}

}  // namespace

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
                           NonNegative(p.positions_with_description_count)));
  Add(pillar, ProfileCount(ctx, m.education, "education", "Education entries",
                           NonNegative(p.education_count)));
  Add(pillar, ProfileCount(ctx, m.certifications, "certifications",
                           "Licenses and certifications",
                           NonNegative(p.certifications_count)));
  Add(pillar, ProfileCount(ctx, m.volunteer_board, "volunteer_board",
                           "Volunteer and board roles",
                           NonNegative(p.volunteer_roles_count) +
                               NonNegative(p.board_roles_count)));
  Add(pillar, Recommendations(ctx));
  Add(pillar, Posts(ctx));

  const auto& em = m.engagement_received;
  Add(pillar,
      MakeComponent("engagement_received",
                    "Reactions, comments and shares on your content (weighted)",
                    WeightedEngagement(ctx.events, em.weights), em.target,
                    em.max_points, ctx.model.curvature));
  return pillar;
}

}  // namespace rapport::scoring::internal
