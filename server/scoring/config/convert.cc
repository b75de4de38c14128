#include "server/scoring/config/convert.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace rapport::scoring {
namespace {

namespace cfg = ::rapport::config::v1;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;

// The path of the first field of `msg` (recursively) that is not set, or ""
// when all are. The config has no repeated fields and no oneofs.
std::string FirstMissingField(const Message& msg, const std::string& prefix) {
  const auto* descriptor = msg.GetDescriptor();
  const auto* reflection = msg.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string path = absl::StrCat(prefix, field->name());
    if (!reflection->HasField(msg, field)) return path;
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      std::string missing =
          FirstMissingField(reflection->GetMessage(msg, field), path + ".");
      if (!missing.empty()) return missing;
    }
  }
  return "";
}

ComponentModel From(const cfg::Component& c) {
  return {.max_points = c.max_points(), .target = c.target()};
}
RateComponentModel From(const cfg::RateComponent& c) {
  return {.max_points = c.max_points(),
          .target = c.target(),
          .prior_rate = c.prior_rate(),
          .prior_samples = c.prior_samples()};
}
WeightedComponentModel<EngagementWeights> From(
    const cfg::EngagementComponent& c) {
  return {.max_points = c.max_points(),
          .target = c.target(),
          .weights = {.reaction = c.weights().reaction(),
                      .comment = c.weights().comment(),
                      .share = c.weights().share()}};
}
WeightedComponentModel<ProspectingWeights> From(
    const cfg::ProspectingComponent& c) {
  return {.max_points = c.max_points(),
          .target = c.target(),
          .weights = {.search = c.weights().search(),
                      .lead_saved = c.weights().lead_saved(),
                      .profile_view = c.weights().profile_view()}};
}
WeightedComponentModel<SeniorityWeights> From(
    const cfg::SeniorityComponent& c) {
  const cfg::SeniorityWeights& w = c.weights();
  return {.max_points = c.max_points(),
          .target = c.target(),
          .weights = {.c_suite = w.c_suite(),
                      .vp = w.vp(),
                      .director = w.director(),
                      .manager = w.manager(),
                      .individual_contributor = w.individual_contributor(),
                      .unknown = w.unknown()}};
}
WeightedComponentModel<GroupWeights> From(const cfg::GroupComponent& c) {
  return {
      .max_points = c.max_points(),
      .target = c.target(),
      .weights = {.post = c.weights().post(), .answer = c.weights().answer()}};
}

void To(const ComponentModel& m, cfg::Component* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
}
void To(const RateComponentModel& m, cfg::RateComponent* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
  c->set_prior_rate(m.prior_rate);
  c->set_prior_samples(m.prior_samples);
}
void To(const WeightedComponentModel<EngagementWeights>& m,
        cfg::EngagementComponent* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
  c->mutable_weights()->set_reaction(m.weights.reaction);
  c->mutable_weights()->set_comment(m.weights.comment);
  c->mutable_weights()->set_share(m.weights.share);
}
void To(const WeightedComponentModel<ProspectingWeights>& m,
        cfg::ProspectingComponent* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
  c->mutable_weights()->set_search(m.weights.search);
  c->mutable_weights()->set_lead_saved(m.weights.lead_saved);
  c->mutable_weights()->set_profile_view(m.weights.profile_view);
}
void To(const WeightedComponentModel<SeniorityWeights>& m,
        cfg::SeniorityComponent* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
  cfg::SeniorityWeights* w = c->mutable_weights();
  w->set_c_suite(m.weights.c_suite);
  w->set_vp(m.weights.vp);
  w->set_director(m.weights.director);
  w->set_manager(m.weights.manager);
  w->set_individual_contributor(m.weights.individual_contributor);
  w->set_unknown(m.weights.unknown);
}
void To(const WeightedComponentModel<GroupWeights>& m, cfg::GroupComponent* c) {
  c->set_max_points(m.max_points);
  c->set_target(m.target);
  c->mutable_weights()->set_post(m.weights.post);
  c->mutable_weights()->set_answer(m.weights.answer);
}

}  // namespace

absl::StatusOr<ScoringModel> ConfigToModel(
    const cfg::ScoringModelConfig& config) {
  if (std::string missing = FirstMissingField(config, ""); !missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(missing, ": required"));
  }
  ScoringModel m;
  m.version = config.version();
  m.window_days = config.window_days();
  m.half_life_days = config.half_life_days();
  m.curvature = config.curvature();

  const cfg::ProfessionalBrand& b = config.professional_brand();
  m.professional_brand = {.profile_photo = From(b.profile_photo()),
                          .headline_summary = From(b.headline_summary()),
                          .positions_described = From(b.positions_described()),
                          .education = From(b.education()),
                          .certifications = From(b.certifications()),
                          .volunteer_board = From(b.volunteer_board()),
                          .recommendations = From(b.recommendations()),
                          .posts_published = From(b.posts_published()),
                          .engagement_received = From(b.engagement_received())};

  const cfg::FindRightPeople& f = config.find_right_people();
  m.find_right_people = {.prospecting = From(f.prospecting()),
                         .decision_maker_reach = From(f.decision_maker_reach()),
                         .acceptance_rate = From(f.acceptance_rate())};

  const cfg::EngageWithInsights& e = config.engage_with_insights();
  m.engage_with_insights = {.content_shared = From(e.content_shared()),
                            .comments_made = From(e.comments_made()),
                            .group_activity = From(e.group_activity()),
                            .engagement_earned = From(e.engagement_earned())};

  const cfg::BuildRelationships& r = config.build_relationships();
  m.build_relationships = {
      .reply_rate = From(r.reply_rate()),
      .two_way_relationships = From(r.two_way_relationships()),
      .reciprocity = From(r.reciprocity()),
      .follow_ups_answered = From(r.follow_ups_answered()),
      .recommendation_exchange = From(r.recommendation_exchange())};
  return m;
}

cfg::ScoringModelConfig ModelToConfig(const ScoringModel& m) {
  cfg::ScoringModelConfig c;
  c.set_version(m.version);
  c.set_window_days(m.window_days);
  c.set_half_life_days(m.half_life_days);
  c.set_curvature(m.curvature);

  const ProfessionalBrandModel& b = m.professional_brand;
  cfg::ProfessionalBrand* cb = c.mutable_professional_brand();
  To(b.profile_photo, cb->mutable_profile_photo());
  To(b.headline_summary, cb->mutable_headline_summary());
  To(b.positions_described, cb->mutable_positions_described());
  To(b.education, cb->mutable_education());
  To(b.certifications, cb->mutable_certifications());
  To(b.volunteer_board, cb->mutable_volunteer_board());
  To(b.recommendations, cb->mutable_recommendations());
  To(b.posts_published, cb->mutable_posts_published());
  To(b.engagement_received, cb->mutable_engagement_received());

  const FindRightPeopleModel& f = m.find_right_people;
  cfg::FindRightPeople* cf = c.mutable_find_right_people();
  To(f.prospecting, cf->mutable_prospecting());
  To(f.decision_maker_reach, cf->mutable_decision_maker_reach());
  To(f.acceptance_rate, cf->mutable_acceptance_rate());

  const EngageWithInsightsModel& e = m.engage_with_insights;
  cfg::EngageWithInsights* ce = c.mutable_engage_with_insights();
  To(e.content_shared, ce->mutable_content_shared());
  To(e.comments_made, ce->mutable_comments_made());
  To(e.group_activity, ce->mutable_group_activity());
  To(e.engagement_earned, ce->mutable_engagement_earned());

  const BuildRelationshipsModel& r = m.build_relationships;
  cfg::BuildRelationships* cr = c.mutable_build_relationships();
  To(r.reply_rate, cr->mutable_reply_rate());
  To(r.two_way_relationships, cr->mutable_two_way_relationships());
  To(r.reciprocity, cr->mutable_reciprocity());
  To(r.follow_ups_answered, cr->mutable_follow_ups_answered());
  To(r.recommendation_exchange, cr->mutable_recommendation_exchange());
  return c;
}

}  // namespace rapport::scoring
