#include <cmath>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "server/scoring/model.h"

namespace rapport::scoring {
namespace {

constexpr int kMaxWindowDays = 3650;
constexpr double kMaxCurvature = 50;
// Pillar maxima are sums of a handful of decimal numbers.
constexpr double kSumTolerance = 1e-9;

// Records the first violation; later checks are no-ops once one failed.
class Checker {
 public:
  const absl::Status& status() const { return status_; }

  void Check(bool ok, absl::string_view path, absl::string_view rule,
             double value) {
    if (!ok && status_.ok()) {
      status_ = absl::InvalidArgumentError(
          absl::StrFormat("%s: %s (got %g)", path, rule, value));
    }
  }
  void Positive(absl::string_view path, double v) {
    Check(std::isfinite(v) && v > 0, path, "must be > 0", v);
  }
  void NonNegative(absl::string_view path, double v) {
    Check(std::isfinite(v) && v >= 0, path, "must be >= 0", v);
  }
  void UnitInterval(absl::string_view path, double v) {
    Check(std::isfinite(v) && v >= 0 && v <= 1, path, "must be in [0, 1]", v);
  }

  // Returns max_points, for the pillar's sum.
  double Component(const std::string& path, double max_points, double target) {
    Check(std::isfinite(max_points) && max_points >= 0 &&
              max_points < kPillarMaxPoints,
          path + ".max_points", "must be in [0, 25)", max_points);
    Positive(path + ".target", target);
    return max_points;
  }
  double Component(const std::string& path, const ComponentModel& c) {
    return Component(path, c.max_points, c.target);
  }
  double Component(const std::string& path, const RateComponentModel& c) {
    double max_points = Component(path, c.max_points, c.target);
    Check(!(c.target > 1), path + ".target", "must be <= 1 for a rate",
          c.target);
    UnitInterval(path + ".prior_rate", c.prior_rate);
    NonNegative(path + ".prior_samples", c.prior_samples);
    return max_points;
  }
  template <typename W>
  double Component(const std::string& path,
                   const WeightedComponentModel<W>& c) {
    double max_points = Component(path, c.max_points, c.target);
    Weights(path + ".weights", c.weights);
    return max_points;
  }

  void Pillar(absl::string_view path, std::initializer_list<double> maxima) {
    double sum = 0;
    for (double m : maxima) sum += m;
    if (!status_.ok()) return;
    if (std::abs(sum - kPillarMaxPoints) > kSumTolerance) {
      status_ = absl::InvalidArgumentError(absl::StrFormat(
          "%s: the max_points of its components sum to %g, must be 25", path,
          sum));
    }
  }

 private:
  void WeightList(const std::string& path,
                  std::initializer_list<std::pair<const char*, double>> ws) {
    bool any_positive = false;
    for (const auto& [name, w] : ws) {
      NonNegative(absl::StrCat(path, ".", name), w);
      any_positive = any_positive || w > 0;
    }
    Check(any_positive, path, "at least one weight must be > 0", 0);
  }
  void Weights(const std::string& path, const EngagementWeights& w) {
    WeightList(
        path,
        {{"reaction", w.reaction}, {"comment", w.comment}, {"share", w.share}});
  }
  void Weights(const std::string& path, const ProspectingWeights& w) {
    WeightList(path, {{"search", w.search},
                      {"lead_saved", w.lead_saved},
                      {"profile_view", w.profile_view}});
  }
  void Weights(const std::string& path, const SeniorityWeights& w) {
    WeightList(path, {{"c_suite", w.c_suite},
                      {"vp", w.vp},
                      {"director", w.director},
                      {"manager", w.manager},
                      {"individual_contributor", w.individual_contributor},
                      {"unknown", w.unknown}});
  }
  void Weights(const std::string& path, const GroupWeights& w) {
    WeightList(path, {{"post", w.post}, {"answer", w.answer}});
  }

  absl::Status status_;
};

void CheckBrand(const ProfessionalBrandModel& p, Checker& c) {
  const std::string k = "professional_brand.";
  c.Pillar("professional_brand",
           {c.Component(k + "profile_photo", p.profile_photo),
            c.Component(k + "headline_summary", p.headline_summary),
            c.Component(k + "positions_described", p.positions_described),
            c.Component(k + "education", p.education),
            c.Component(k + "certifications", p.certifications),
            c.Component(k + "volunteer_board", p.volunteer_board),
            c.Component(k + "recommendations", p.recommendations),
            c.Component(k + "posts_published", p.posts_published),
            c.Component(k + "engagement_received", p.engagement_received)});
}

void CheckFindPeople(const FindRightPeopleModel& p, Checker& c) {
  const std::string k = "find_right_people.";
  c.Pillar("find_right_people",
           {c.Component(k + "prospecting", p.prospecting),
            c.Component(k + "decision_maker_reach", p.decision_maker_reach),
            c.Component(k + "acceptance_rate", p.acceptance_rate)});
}

void CheckEngage(const EngageWithInsightsModel& p, Checker& c) {
  const std::string k = "engage_with_insights.";
  c.Pillar("engage_with_insights",
           {c.Component(k + "content_shared", p.content_shared),
            c.Component(k + "comments_made", p.comments_made),
            c.Component(k + "group_activity", p.group_activity),
            c.Component(k + "engagement_earned", p.engagement_earned)});
}

void CheckRelationships(const BuildRelationshipsModel& p, Checker& c) {
  const std::string k = "build_relationships.";
  c.Pillar(
      "build_relationships",
      {c.Component(k + "reply_rate", p.reply_rate),
       c.Component(k + "two_way_relationships", p.two_way_relationships),
       c.Component(k + "reciprocity", p.reciprocity),
       c.Component(k + "follow_ups_answered", p.follow_ups_answered),
       c.Component(k + "recommendation_exchange", p.recommendation_exchange)});
}

}  // namespace

absl::Status ValidateModel(const ScoringModel& model) {
  if (model.version.empty()) {
    return absl::InvalidArgumentError("version: must not be empty");
  }
  Checker c;
  c.Check(model.window_days >= 1 && model.window_days <= kMaxWindowDays,
          "window_days", "must be in [1, 3650]", model.window_days);
  c.Positive("half_life_days", model.half_life_days);
  c.Check(std::isfinite(model.curvature) && model.curvature > 0 &&
              model.curvature <= kMaxCurvature,
          "curvature", "must be in (0, 50]", model.curvature);
  CheckBrand(model.professional_brand, c);
  CheckFindPeople(model.find_right_people, c);
  CheckEngage(model.engage_with_insights, c);
  CheckRelationships(model.build_relationships, c);
  return c.status();
}

}  // namespace rapport::scoring
