// Publishing, sharing and commenting, groups: events dated as_of.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/recommend/candidates.h"

namespace rapport::recommend::internal {
namespace {

using model::EventType;

constexpr int kPosts = 2;
constexpr int kShares = 2;
constexpr int kComments = 5;
constexpr int kGroupPosts = 1;
constexpr int kGroupAnswers = 2;

}  // namespace

// Posts draw engagement: the action expects, per post, the reactions,
// comments and shares per post of the member's own posts over the window
// (none without a post to go by), as expected counts (outcomes.h splits each
// between its two nearest whole counts).
Candidate Publish(const Context& ctx) {
  if (IsFull(ctx.now, "posts_published")) return std::nullopt;
  const int days = ctx.model.window_days;
  const int64_t posts = CountInDays(ctx, EventType::kPostPublished, days);
  const int64_t recent =
      CountInDays(ctx, EventType::kPostPublished, kOutreachDays);
  Recommendation r;
  r.kind = Kind::kPublish;
  r.pillar = model::Pillar::kProfessionalBrand;
  r.title = absl::StrCat("Publish ", kPosts, " posts this week");
  r.rationale = absl::StrCat(
      "You published ", posts == 0 ? "no post" : Count(posts, "post", "posts"),
      " in the last ", days, " days",
      posts == 0
          ? ""
          : absl::StrCat(" (", recent, " in the last ", kOutreachDays, ")"));
  r.action.events.push_back({EventType::kPostPublished, kPosts});
  if (posts > 0) {
    std::vector<std::string> drew;
    for (auto [type, plural] :
         {std::pair{EventType::kReactionReceived, "reactions"},
          std::pair{EventType::kCommentReceived, "comments"},
          std::pair{EventType::kShareReceived, "shares"}}) {
      const int64_t got = CountInDays(ctx, type, days);
      if (got <= 0) continue;
      const double expected = static_cast<double>(kPosts) *
                              static_cast<double>(got) /
                              static_cast<double>(posts);
      r.action.expected_events.push_back({type, expected});
      drew.push_back(absl::StrCat(Approx(expected), " ", plural));
    }
    if (!drew.empty()) {
      absl::StrAppend(&r.rationale,
                      "; at your average per post they would draw about ",
                      absl::StrJoin(drew, ", "));
    }
  }
  return r;
}

Candidate ShareAndComment(const Context& ctx) {
  const bool shares_full = IsFull(ctx.now, "content_shared");
  const bool comments_full = IsFull(ctx.now, "comments_made");
  if (shares_full && comments_full) return std::nullopt;
  const int days = ctx.model.window_days;
  Recommendation r;
  r.kind = Kind::kShareAndComment;
  r.pillar = model::Pillar::kEngageWithInsights;
  if (shares_full) {
    r.title =
        absl::StrCat("Comment on ", kComments, " posts by others this week");
  } else if (comments_full) {
    r.title =
        absl::StrCat("Share ", kShares, " posts with your take this week");
  } else {
    r.title =
        absl::StrCat("Share ", kShares, " posts with your take and comment on ",
                     kComments, " this week");
  }
  const int64_t shared = CountInDays(ctx, EventType::kContentShared, days);
  const int64_t commented = CountInDays(ctx, EventType::kCommentMade, days);
  r.rationale =
      absl::StrCat("In the last ", days, " days you shared ",
                   Count(shared, "post", "posts"), " and commented ",
                   Count(commented, "time", "times"), " on others' content");
  if (!shares_full)
    r.action.events.push_back({EventType::kContentShared, kShares});
  if (!comments_full) {
    r.action.events.push_back({EventType::kCommentMade, kComments});
  }
  return r;
}

Candidate JoinGroupDiscussion(const Context& ctx) {
  if (IsFull(ctx.now, "group_activity")) return std::nullopt;
  const int days = ctx.model.window_days;
  const int64_t posts = CountInDays(ctx, EventType::kGroupPost, days);
  const int64_t answers = CountInDays(ctx, EventType::kGroupAnswer, days);
  Recommendation r;
  r.kind = Kind::kJoinGroupDiscussion;
  r.pillar = model::Pillar::kEngageWithInsights;
  r.title = absl::StrCat("Ask a question in a group and answer ", kGroupAnswers,
                         " this week");
  r.rationale =
      posts + answers == 0
          ? absl::StrCat("You took no part in groups in the last ", days,
                         " days")
          : absl::StrCat("In the last ", days, " days you posted ",
                         Count(posts, "time", "times"), " and answered ",
                         Count(answers, "time", "times"), " in groups");
  r.action.events = {{EventType::kGroupPost, kGroupPosts},
                     {EventType::kGroupAnswer, kGroupAnswers}};
  return r;
}

}  // namespace rapport::recommend::internal
