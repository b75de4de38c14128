// Pillar 3, engage with insights: sharing content, commenting on others',
// taking part in groups, and the engagement the member's content earns.
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

ComponentScore Counted(const Context& ctx, const ComponentModel& m,
                       EventType type, absl::string_view name,
                       absl::string_view signal) {
  return MakeComponent(name, signal, ctx.events.Weighted(type), m.target,
                       m.max_points, ctx.model.curvature);
}

ComponentScore GroupActivity(const Context& ctx) {
  const auto& m = ctx.model.engage_with_insights.group_activity;
  const EventTotals& e = ctx.events;
  return MakeComponent(
      "group_activity", "Group posts and answers (weighted)",
      m.weights.post * e.Weighted(EventType::kGroupPost) +
          m.weights.answer * e.Weighted(EventType::kGroupAnswer),
      m.target, m.max_points, ctx.model.curvature);
}

}  // namespace

PillarScore ScoreEngageWithInsights(const Context& ctx) {
  const EngageWithInsightsModel& m = ctx.model.engage_with_insights;
  PillarScore pillar;
  pillar.pillar = model::Pillar::kEngageWithInsights;
  Add(pillar, Counted(ctx, m.content_shared, EventType::kContentShared,
                      "content_shared", "Content shared (recency-weighted)"));
  Add(pillar,
      Counted(ctx, m.comments_made, EventType::kCommentMade, "comments_made",
              "Comments on others' content (recency-weighted)"));
  Add(pillar, GroupActivity(ctx));
  Add(pillar,
      MakeComponent(
          "engagement_earned",
          "Reactions, comments and shares your content earned (weighted)",
          WeightedEngagement(ctx.events, m.engagement_earned.weights),
          m.engagement_earned.target, m.engagement_earned.max_points,
          ctx.model.curvature));
  return pillar;
}

}  // namespace rapport::scoring::internal
