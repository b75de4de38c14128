// The default model. Targets follow the reference figures of
// docs/domain.md where there are any (a 12-18 core network, connection
// acceptance around 26-31%); the rest are priors to tune per deployment by
// shipping another config file. Activity targets are what a rep who is
// strong at that one thing does in 90 days, so that a typical rep scores in
// the 30s-40s (the industry averages of docs/domain.md) and only sustained
// activity fills a component. deploy/scoring/ssi-default.json must stay
// equal to this (a test checks it).
#include "server/scoring/model.h"

namespace rapport::scoring {

ScoringModel DefaultModel() {
  ScoringModel m;
  m.version = "ssi-2026.1";
  m.window_days = 90;
  // Two weeks: an action counts half after 14 days, so that a rep who stops
  // engaging loses points week after week (ListDecliningMembers flags 5
  // points in 7 days by default); with 30 days a quiet week barely showed.
  m.half_life_days = 14;
  m.curvature = 2;

  // 15 points of profile, 10 of content.
  ProfessionalBrandModel& brand = m.professional_brand;
  brand.profile_photo = {.max_points = 2, .target = 1};
  brand.headline_summary = {.max_points = 2, .target = 2};
  brand.positions_described = {.max_points = 3, .target = 3};
  brand.education = {.max_points = 1.5, .target = 1};
  brand.certifications = {.max_points = 2, .target = 2};
  brand.volunteer_board = {.max_points = 1.5, .target = 2};
  brand.recommendations = {.max_points = 3, .target = 4};
  brand.posts_published = {.max_points = 5, .target = 12};  // ~1 a week.
  brand.engagement_received = {
      .max_points = 5,
      .target = 200,
      .weights = {.reaction = 1, .comment = 3, .share = 5}};

  FindRightPeopleModel& find = m.find_right_people;
  // About three searches, saved leads or profile views a working day.
  find.prospecting = {
      .max_points = 8,
      .target = 250,
      .weights = {.search = 1, .lead_saved = 3, .profile_view = 1}};
  // About one senior person a day.
  find.decision_maker_reach = {.max_points = 9,
                               .target = 100,
                               .weights = {.c_suite = 2,
                                           .vp = 1.6,
                                           .director = 1.3,
                                           .manager = 1,
                                           .individual_contributor = 0.6,
                                           .unknown = 0.5}};
  // LinkedIn requests are accepted about 26-31% of the time.
  find.acceptance_rate = {
      .max_points = 8, .target = 0.4, .prior_rate = 0.28, .prior_samples = 10};

  EngageWithInsightsModel& engage = m.engage_with_insights;
  engage.content_shared = {.max_points = 7, .target = 24};  // ~2 a week.
  engage.comments_made = {.max_points = 7, .target = 40};   // ~3 a week.
  engage.group_activity = {
      .max_points = 5, .target = 10, .weights = {.post = 1, .answer = 1.5}};
  engage.engagement_earned = {
      .max_points = 6,
      .target = 200,
      .weights = {.reaction = 1, .comment = 3, .share = 5}};

  BuildRelationshipsModel& rel = m.build_relationships;
  rel.reply_rate = {
      .max_points = 7, .target = 0.6, .prior_rate = 0.3, .prior_samples = 5};
  // Cross & Thomas: an effective network holds 12-18 relationships.
  rel.two_way_relationships = {.max_points = 7, .target = 15};
  rel.reciprocity = {
      .max_points = 5, .target = 0.8, .prior_rate = 0.5, .prior_samples = 3};
  rel.follow_ups_answered = {.max_points = 3, .target = 4};
  rel.recommendation_exchange = {.max_points = 3, .target = 2};
  return m;
}

}  // namespace rapport::scoring
