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
                       absl::string_view signal, absl::string_view singular,
                       absl::string_view plural) {
  const int64_t n = ctx.events.Count(type);
  ComponentScore c = MakeComponent(name, signal, ctx.events.Weighted(type),
                                   m.target, m.max_points, ctx.model.curvature);
  if (ctx.explain)
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
  if (ctx.explain)
    c.explanation = ExplainAmount(c, lead, ctx.recency.window_days(),
                                  "with weights and recency");
  return c;
}

}  // namespace

PillarScore ScoreEngageWithInsights(const Context& ctx) {
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
      WeightedEngagement(ctx.events, m.engagement_earned.weights),
      m.engagement_earned.target, m.engagement_earned.max_points,
      ctx.model.curvature);
  if (ctx.explain)
    earned.explanation =
        ExplainAmount(earned, EngagementLead(ctx.events),
                      ctx.recency.window_days(), "with weights and recency");
  Add(pillar, std::move(earned));
  return pillar;
}

}  // namespace rapport::scoring::internal
