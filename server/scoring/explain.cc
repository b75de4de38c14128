// The explanation of every component, written from the score's facts
// (ScoreFacts), the member's profile and the model: the one place the text
// is made, so that a score explained as it is computed (Score) and one
// explained later from kept facts (Explain) read the same.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/model/enums.h"
#include "server/scoring/component.h"
#include "server/scoring/pillars.h"

namespace rapport::scoring {
namespace internal {
namespace {

using model::EventType;

// What a component's text is written from.
struct Inputs {
  const ScoringModel& model;
  const model::Profile& profile;
  const ScoreFacts& facts;

  int64_t Events(EventType type) const {
    return facts.event_counts[static_cast<int>(type)];
  }
  int window_days() const { return facts.window_days; }
};

int64_t NonNegative(int n) { return std::max(n, 0); }

std::string Photo(const ComponentScore& c, const Inputs& in) {
  const ComponentModel& m = in.model.professional_brand.profile_photo;
  if (in.profile.has_photo) {
    return absl::StrCat("Profile photo: ", Num(c.points), " of ",
                        Num(c.max_points), " points");
  }
  return absl::StrCat(
      "No profile photo: add one for ",
      Num(Points(1, m.target, m.max_points, in.model.curvature)), " points");
}

std::string HeadlineSummary(const ComponentScore& c, const Inputs& in) {
  const ComponentModel& m = in.model.professional_brand.headline_summary;
  const double curvature = in.model.curvature;
  const bool headline = in.profile.has_headline;
  const bool summary = in.profile.has_summary;
  const int n = (headline ? 1 : 0) + (summary ? 1 : 0);
  const double gain =
      Points(n + 1, m.target, m.max_points, curvature) - c.points;
  if (n == 2) {
    return absl::StrCat("Headline and summary: ", Num(c.points), " of ",
                        Num(c.max_points), " points");
  }
  if (n == 1) {
    return absl::StrCat(headline ? "No summary" : "No headline",
                        ": add one for ", Num(gain), " points");
  }
  return absl::StrCat("No headline or summary: add one for ", Num(gain),
                      " points, both for ",
                      Num(Points(2, m.target, m.max_points, curvature)));
}

std::string ProfileCount(const ComponentScore& c, const Inputs& in, int64_t n,
                         absl::string_view singular, absl::string_view plural) {
  return ExplainProfileCount(c, n, singular, plural, in.model.curvature);
}

std::string Recommendations(const ComponentScore& c, const Inputs& in) {
  const int64_t given =
      std::max(NonNegative(in.profile.recommendations_given_count),
               in.Events(EventType::kRecommendationGiven));
  const int64_t received =
      std::max(NonNegative(in.profile.recommendations_received_count),
               in.Events(EventType::kRecommendationReceived));
  std::string text = absl::StrCat(
      Count(given, "recommendation", "recommendations"), " given and ",
      received, " received",
      Tail(c, Num(in.model.professional_brand.recommendations.target)));
  if (c.points < c.max_points && received == 0) {
    absl::StrAppend(&text, "; ask a colleague for one");
  }
  return text;
}

std::string Posts(const ComponentScore& c, const Inputs& in) {
  const int64_t n = in.Events(EventType::kPostPublished);
  return ExplainAmount(c, n == 0 ? "No posts" : Count(n, "post", "posts"),
                       in.window_days(), "with recency");
}

std::string Engagement(const ComponentScore& c, const Inputs& in) {
  const int64_t reactions = in.Events(EventType::kReactionReceived);
  const int64_t comments = in.Events(EventType::kCommentReceived);
  const int64_t shares = in.Events(EventType::kShareReceived);
  const std::string lead =
      reactions + comments + shares == 0
          ? "No reactions, comments or shares on your content"
          : absl::StrCat(Count(reactions, "reaction", "reactions"), ", ",
                         Count(comments, "comment", "comments"), " and ",
                         Count(shares, "share", "shares"), " on your content");
  return ExplainAmount(c, lead, in.window_days(), "with weights and recency");
}

std::string Prospecting(const ComponentScore& c, const Inputs& in) {
  const int64_t searches = in.Events(EventType::kProspectSearch);
  const int64_t leads = in.Events(EventType::kLeadSaved);
  const int64_t views = in.Events(EventType::kProspectProfileViewed);
  const std::string lead =
      searches + leads + views == 0
          ? "No prospect searches, saved leads or prospect profile views"
          : absl::StrCat(
                Count(searches, "prospect search", "prospect searches"), ", ",
                Count(leads, "saved lead", "saved leads"), " and ",
                Count(views, "prospect profile view",
                      "prospect profile views"));
  return ExplainAmount(c, lead, in.window_days(), "with weights and recency");
}

std::string DecisionMakerReach(const ComponentScore& c, const Inputs& in) {
  const int64_t people = in.facts.contacts_reached;
  const std::string lead =
      people == 0
          ? "You contacted nobody"
          : absl::StrCat("You contacted ", Count(people, "person", "people"),
                         ", ", in.facts.decision_makers_reached,
                         " of them directors or above,");
  return ExplainAmount(c, lead, in.window_days(), "with seniority and recency");
}

std::string AcceptanceRate(const ComponentScore& c, const Inputs& in) {
  const int64_t requested = in.facts.requests_sent;
  const int64_t accepted = in.facts.requests_accepted;
  const RateEstimate rate = EstimateRate(
      accepted, requested, in.model.find_right_people.acceptance_rate);
  const std::string days = LastDays(in.window_days());
  return ExplainRate(
      c, rate,
      absl::StrCat(
          accepted, " of your ",
          Count(requested, "connection request", "connection requests"), " in ",
          days, accepted == 1 ? " was" : " were", " accepted"),
      absl::StrCat("No connection requests in ", days,
                   ": no acceptance rate yet"));
}

std::string Counted(const ComponentScore& c, const Inputs& in, EventType type,
                    absl::string_view singular, absl::string_view plural) {
  const int64_t n = in.Events(type);
  return ExplainAmount(
      c, n == 0 ? absl::StrCat("No ", plural) : Count(n, singular, plural),
      in.window_days(), "with recency");
}

std::string GroupActivity(const ComponentScore& c, const Inputs& in) {
  const int64_t posts = in.Events(EventType::kGroupPost);
  const int64_t answers = in.Events(EventType::kGroupAnswer);
  const std::string lead =
      posts + answers == 0
          ? "No group posts or answers"
          : absl::StrCat(Count(posts, "group post", "group posts"), " and ",
                         Count(answers, "group answer", "group answers"));
  return ExplainAmount(c, lead, in.window_days(), "with weights and recency");
}

std::string ReplyRate(const ComponentScore& c, const Inputs& in) {
  const int64_t started = in.facts.threads_started;
  const int64_t replied = in.facts.threads_replied;
  const RateEstimate rate =
      EstimateRate(replied, started, in.model.build_relationships.reply_rate);
  const std::string days = LastDays(in.window_days());
  return ExplainRate(
      c, rate,
      absl::StrCat(replied, " of your ", Count(started, "thread", "threads"),
                   " in ", days, " got a reply"),
      absl::StrCat("You started no threads in ", days, ": no reply rate yet"));
}

std::string TwoWay(const ComponentScore& c, const Inputs& in) {
  const int64_t n = in.facts.two_way_contacts;
  return ExplainAmount(c,
                       n == 0 ? "No two-way exchanges"
                              : absl::StrCat("Two-way exchanges with ",
                                             Count(n, "contact", "contacts")),
                       in.window_days(), "with recency");
}

std::string Reciprocity(const ComponentScore& c, const Inputs& in) {
  const int64_t received = in.facts.threads_received;
  const int64_t answered = in.facts.threads_answered;
  const RateEstimate rate = EstimateRate(
      answered, received, in.model.build_relationships.reciprocity);
  const std::string days = LastDays(in.window_days());
  return ExplainRate(c, rate,
                     absl::StrCat("You answered ", answered, " of ",
                                  Count(received, "thread", "threads"),
                                  " others started with you in ", days),
                     absl::StrCat("Nobody started a thread with you in ", days,
                                  ": nothing to answer yet"));
}

std::string FollowUpsAnswered(const ComponentScore& c, const Inputs& in) {
  const int64_t n = in.facts.follow_ups_answered;
  return ExplainAmount(c,
                       n == 0 ? "No follow-up got an answer"
                              : absl::StrCat(Count(n, "thread", "threads"),
                                             " answered after your follow-up"),
                       in.window_days(), "with recency");
}

std::string RecommendationExchange(const ComponentScore& c, const Inputs& in) {
  const int64_t given = in.Events(EventType::kRecommendationGiven);
  const int64_t received = in.Events(EventType::kRecommendationReceived);
  return ExplainAmount(
      c,
      given + received == 0
          ? "No recommendations given or received"
          : absl::StrCat(Count(given, "recommendation", "recommendations"),
                         " given and ", received, " received"),
      in.window_days(), "with recency");
}

using Explainer = std::string (*)(const ComponentScore&, const Inputs&);

// Every explained component, by name.
const absl::flat_hash_map<absl::string_view, Explainer>& Explainers() {
  static const auto* const kExplainers =
      new absl::flat_hash_map<absl::string_view, Explainer>({
          {"profile_photo", &Photo},
          {"headline_summary", &HeadlineSummary},
          {"positions_described",
           [](const ComponentScore& c, const Inputs& in) {
             return ProfileCount(
                 c, in,
                 NonNegative(in.profile.positions_with_description_count),
                 "position with a description", "positions with a description");
           }},
          {"education",
           [](const ComponentScore& c, const Inputs& in) {
             return ProfileCount(c, in, NonNegative(in.profile.education_count),
                                 "education entry", "education entries");
           }},
          {"certifications",
           [](const ComponentScore& c, const Inputs& in) {
             return ProfileCount(c, in,
                                 NonNegative(in.profile.certifications_count),
                                 "certification", "certifications");
           }},
          {"volunteer_board",
           [](const ComponentScore& c, const Inputs& in) {
             return ProfileCount(c, in,
                                 NonNegative(in.profile.volunteer_roles_count) +
                                     NonNegative(in.profile.board_roles_count),
                                 "volunteer or board role",
                                 "volunteer and board roles");
           }},
          {"recommendations", &Recommendations},
          {"posts_published", &Posts},
          {"engagement_received", &Engagement},
          {"prospecting", &Prospecting},
          {"decision_maker_reach", &DecisionMakerReach},
          {"acceptance_rate", &AcceptanceRate},
          {"content_shared",
           [](const ComponentScore& c, const Inputs& in) {
             return Counted(c, in, EventType::kContentShared,
                            "share of content", "shares of content");
           }},
          {"comments_made",
           [](const ComponentScore& c, const Inputs& in) {
             return Counted(c, in, EventType::kCommentMade,
                            "comment on others' content",
                            "comments on others' content");
           }},
          {"group_activity", &GroupActivity},
          {"engagement_earned", &Engagement},
          {"reply_rate", &ReplyRate},
          {"two_way_relationships", &TwoWay},
          {"reciprocity", &Reciprocity},
          {"follow_ups_answered", &FollowUpsAnswered},
          {"recommendation_exchange", &RecommendationExchange},
      });
  return *kExplainers;
}

}  // namespace
}  // namespace internal

void Explain(const ScoringModel& model, const model::Profile& profile,
             const ScoreFacts& facts, ScoreResult& score) {
  const internal::Inputs in{.model = model, .profile = profile, .facts = facts};
  const auto& explainers = internal::Explainers();
  for (PillarScore& pillar : score.pillars) {
    for (ComponentScore& c : pillar.components) {
      auto it = explainers.find(c.name);
      if (it != explainers.end()) c.explanation = it->second(c, in);
    }
  }
}

}  // namespace rapport::scoring
