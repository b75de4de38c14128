// Profile gaps and the exchange of recommendations.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/recommend/candidates.h"

namespace rapport::recommend::internal {
namespace {

using model::EventType;

Recommendation Make(Kind kind, std::string title, std::string rationale) {
  Recommendation r;
  r.kind = kind;
  r.pillar = model::Pillar::kProfessionalBrand;
  r.title = std::move(title);
  r.rationale = std::move(rationale);
  return r;
}

int NonNegative(int n) { return std::max(n, 0); }

}  // namespace

Candidate AddPhoto(const Context& ctx) {
  if (ctx.profile.has_photo) return std::nullopt;
  Recommendation r =
      Make(Kind::kAddPhoto, "Add a profile photo",
           "Your profile has no photo: it is the first thing a prospect "
           "sees, and the cheapest brand points there are");
  r.action.profile.set_photo = true;
  return r;
}

Candidate AddCertifications(const Context& ctx) {
  const int have = NonNegative(ctx.profile.certifications_count);
  const int want =
      WholeTarget(ctx.model.professional_brand.certifications.target);
  if (have >= want) return std::nullopt;
  const int add = want - have;
  Recommendation r = Make(
      Kind::kAddCertifications,
      have == 0 ? absl::StrCat("Add ", Count(add, "certification or course",
                                             "certifications or courses"))
                : absl::StrCat("Add ", add, " more ",
                               add == 1 ? "certification or course"
                                        : "certifications or courses"),
      absl::StrCat("Your profile lists ",
                   have == 0 ? "no certification"
                             : Count(have, "certification", "certifications"),
                   "; ", want,
                   " earn the full points of Licenses & "
                   "Certifications"));
  r.action.profile.add_certifications = add;
  return r;
}

Candidate AddVolunteerOrBoardRole(const Context& ctx) {
  const int have = NonNegative(ctx.profile.volunteer_roles_count) +
                   NonNegative(ctx.profile.board_roles_count);
  const int want =
      WholeTarget(ctx.model.professional_brand.volunteer_board.target);
  if (have >= want) return std::nullopt;
  const int add = want - have;
  Recommendation r = Make(
      Kind::kAddVolunteerOrBoardRole,
      absl::StrCat("Add ", Count(add,
                                 have == 0 ? "volunteer or board role"
                                           : "more volunteer or board role",
                                 have == 0 ? "volunteer or board roles"
                                           : "more volunteer or board roles")),
      absl::StrCat("Your profile lists ",
                   have == 0 ? "no volunteer or board role"
                             : Count(have, "volunteer or board role",
                                     "volunteer and board roles"),
                   "; ", want, " earn the full points"));
  r.action.profile.add_volunteer_roles = add;
  return r;
}

Candidate DescribePositions(const Context& ctx) {
  const int positions = NonNegative(ctx.profile.positions_count);
  const int described =
      NonNegative(ctx.profile.positions_with_description_count);
  const int want =
      WholeTarget(ctx.model.professional_brand.positions_described.target);
  if (described >= want) return std::nullopt;
  if (positions == 0) {
    Recommendation r = Make(Kind::kDescribePositions,
                            "Add your current position with a description",
                            "Your profile has no job history");
    r.action.profile.add_positions = 1;
    r.action.profile.add_described_positions = 1;
    return r;
  }
  if (described >= positions) return std::nullopt;  // Nothing to describe.
  const int add = std::min(positions - described, want - described);
  Recommendation r =
      Make(Kind::kDescribePositions,
           absl::StrCat("Describe ", Count(add, "position", "positions"),
                        " of your job history"),
           absl::StrCat(described, " of your ",
                        Count(positions, "position", "positions"),
                        described == 1 || positions == 1 ? " has" : " have",
                        " a description; ", want,
                        " described earn the full "
                        "points"));
  r.action.profile.add_described_positions = add;
  return r;
}

Candidate AddEducation(const Context& ctx) {
  const int have = NonNegative(ctx.profile.education_count);
  const int want = WholeTarget(ctx.model.professional_brand.education.target);
  if (have >= want) return std::nullopt;
  Recommendation r = Make(Kind::kAddEducation,
                          want - have == 1 ? "Add your education"
                                           : absl::StrCat("Add ", want - have,
                                                          " education entries"),
                          "Your profile lists no education");
  r.action.profile.add_education = want - have;
  return r;
}

Candidate ExchangeRecommendations(const Context& ctx) {
  if (IsFull(ctx.now, "recommendations") &&
      IsFull(ctx.now, "recommendation_exchange")) {
    return std::nullopt;
  }
  const int days = ctx.model.window_days;
  const int64_t given = CountInDays(ctx, EventType::kRecommendationGiven, days);
  const int64_t received =
      CountInDays(ctx, EventType::kRecommendationReceived, days);
  Recommendation r = Make(
      Kind::kExchangeRecommendations,
      "Write a recommendation for a colleague and ask for one back",
      absl::StrCat("Your profile shows ",
                   Count(NonNegative(ctx.profile.recommendations_given_count),
                         "recommendation", "recommendations"),
                   " given and ",
                   NonNegative(ctx.profile.recommendations_received_count),
                   " received; in the last ", days, " days you gave ", given,
                   " and received ", received));
  r.pillar = model::Pillar::kBuildRelationships;
  r.action.profile.add_recommendations_given = 1;
  r.action.profile.add_recommendations_received = 1;
  r.action.events = {{EventType::kRecommendationGiven, 1},
                     {EventType::kRecommendationReceived, 1}};
  return r;
}

}  // namespace rapport::recommend::internal
