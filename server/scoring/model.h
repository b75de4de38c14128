// The scoring model: every number the Social Selling Index depends on, as
// plain data. A model is loaded from a versioned config file (see
// server/scoring/config/) or built by DefaultModel(), checked once by
// ValidateModel() at start-up, then shared read-only: Score() takes it by
// const reference and never mutates it, so one model may serve any number of
// threads at once.
//
// The field names below are the field names of the config file
// (proto/rapport/config/v1/scoring_model.proto), so that a ValidateModel()
// error such as "find_right_people.acceptance_rate.target: must be > 0"
// points at the line to fix.
#ifndef RAPPORT_SERVER_SCORING_MODEL_H_
#define RAPPORT_SERVER_SCORING_MODEL_H_

#include <string>

#include "absl/status/status.h"
#include "server/model/enums.h"

namespace rapport::scoring {

// The points of one pillar when all its components are full.
inline constexpr double kPillarMaxPoints = 25.0;

// A component earning max_points * Saturate(raw / target): diminishing
// returns up to the target, nothing more beyond it.
struct ComponentModel {
  double max_points = 0;
  double target = 1;  // > 0, in the unit of the component's raw value.

  friend bool operator==(const ComponentModel&,
                         const ComponentModel&) = default;
};

// A component whose raw value is a rate in [0, 1] (successes / samples),
// shrunk toward prior_rate when the sample is small: the rate used is
// min(observed, (successes + prior_samples * prior_rate) /
//                (samples + prior_samples)),
// so that one success out of one is not 100%, while a small sample never
// counts for more than it showed. prior_samples is the number of samples at
// which the evidence and the prior weigh the same.
struct RateComponentModel {
  double max_points = 0;
  double target = 1;         // In (0, 1].
  double prior_rate = 0;     // In [0, 1].
  double prior_samples = 0;  // >= 0; 0 disables the shrinkage.

  friend bool operator==(const RateComponentModel&,
                         const RateComponentModel&) = default;
};

// A component whose raw value is a weighted sum of several signals.
template <typename Weights>
struct WeightedComponentModel {
  double max_points = 0;
  double target = 1;
  Weights weights;

  friend bool operator==(const WeightedComponentModel&,
                         const WeightedComponentModel&) = default;
};

// Weights of the engagement a member's content receives.
struct EngagementWeights {
  double reaction = 0;
  double comment = 0;
  double share = 0;

  friend bool operator==(const EngagementWeights&,
                         const EngagementWeights&) = default;
};

// Weights of the prospecting actions.
struct ProspectingWeights {
  double search = 0;
  double lead_saved = 0;
  double profile_view = 0;

  friend bool operator==(const ProspectingWeights&,
                         const ProspectingWeights&) = default;
};

// Weights of a contacted person by seniority.
struct SeniorityWeights {
  double c_suite = 0;
  double vp = 0;
  double director = 0;
  double manager = 0;
  double individual_contributor = 0;
  double unknown = 0;

  // The weight of `seniority`; `unknown` for values outside the enum.
  double Of(model::Seniority seniority) const;

  friend bool operator==(const SeniorityWeights&,
                         const SeniorityWeights&) = default;
};

// Weights of group participation.
struct GroupWeights {
  double post = 0;
  double answer = 0;

  friend bool operator==(const GroupWeights&, const GroupWeights&) = default;
};

// Pillar 1: profile completeness and content.
struct ProfessionalBrandModel {
  ComponentModel profile_photo;        // Raw: 0 or 1.
  ComponentModel headline_summary;     // Raw: 0, 1 or 2.
  ComponentModel positions_described;  // Raw: positions with a description.
  ComponentModel education;            // Raw: education entries.
  ComponentModel certifications;       // Raw: licenses and certifications.
  ComponentModel volunteer_board;      // Raw: volunteer + board roles.
  ComponentModel recommendations;      // Raw: given + received.
  ComponentModel posts_published;      // Raw: recency-weighted posts.
  WeightedComponentModel<EngagementWeights> engagement_received;

  friend bool operator==(const ProfessionalBrandModel&,
                         const ProfessionalBrandModel&) = default;
};

// Pillar 2: prospecting and reaching decision makers.
struct FindRightPeopleModel {
  WeightedComponentModel<ProspectingWeights> prospecting;
  // Raw: distinct people the member wrote to or asked to connect with,
  // each weighted by seniority and recency.
  WeightedComponentModel<SeniorityWeights> decision_maker_reach;
  RateComponentModel acceptance_rate;

  friend bool operator==(const FindRightPeopleModel&,
                         const FindRightPeopleModel&) = default;
};

// Pillar 3: sharing and discussing content.
struct EngageWithInsightsModel {
  ComponentModel content_shared;  // Raw: recency-weighted shares.
  ComponentModel comments_made;   // Raw: recency-weighted comments.
  WeightedComponentModel<GroupWeights> group_activity;
  WeightedComponentModel<EngagementWeights> engagement_earned;

  friend bool operator==(const EngageWithInsightsModel&,
                         const EngageWithInsightsModel&) = default;
};

// Pillar 4: being answered, answering, keeping relationships up.
struct BuildRelationshipsModel {
  RateComponentModel reply_rate;           // Threads the member started.
  ComponentModel two_way_relationships;    // Raw: contacts, recency-weighted.
  RateComponentModel reciprocity;          // Threads the contact started.
  ComponentModel follow_ups_answered;      // Raw: threads, recency-weighted.
  ComponentModel recommendation_exchange;  // Raw: recency-weighted events.

  friend bool operator==(const BuildRelationshipsModel&,
                         const BuildRelationshipsModel&) = default;
};

// Everything tunable about the score.
struct ScoringModel {
  // Carried by every score, e.g. "ssi-2026.1". Change it whenever any other
  // field changes, so that scores of different models are never compared.
  std::string version;
  // Activity counts when it happened on one of the last window_days UTC
  // days, as_of's day included.
  int window_days = 90;
  // Activity aged a days weighs 0.5^(a / half_life_days). Weighted counts
  // are divided by the mean weight over the window, so that activity spread
  // evenly over the window counts at face value and recent activity more.
  double half_life_days = 14;
  // Saturate(x) = (1 - e^(-curvature x)) / (1 - e^(-curvature)) for x in
  // [0, 1]: the larger, the sooner a component earns most of its points.
  double curvature = 2;

  ProfessionalBrandModel professional_brand;
  FindRightPeopleModel find_right_people;
  EngageWithInsightsModel engage_with_insights;
  BuildRelationshipsModel build_relationships;

  friend bool operator==(const ScoringModel&, const ScoringModel&) = default;
};

// The model Rapport ships with; equal to deploy/scoring/ssi-default.json.
ScoringModel DefaultModel();

// OK when `model` can be used by Score(); otherwise INVALID_ARGUMENT whose
// message names the first offending field by its config path, e.g.
// "find_right_people.acceptance_rate.target: must be > 0 (got 0)". Checks:
// a non-empty version; 1 <= window_days <= 3650; half_life_days > 0;
// 0 < curvature <= 50; every max_points in [0, 25); every target > 0
// (and <= 1 for rates); prior_rate in [0, 1]; prior_samples >= 0; every
// weight >= 0 and at least one > 0 per component; the max_points of each
// pillar summing to 25. All numbers must be finite.
absl::Status ValidateModel(const ScoringModel& model);

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_MODEL_H_
