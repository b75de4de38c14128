// Brand and engagement: posts and what they earn, shares, comments, groups.
#include <algorithm>

#include "client/demo/member_activity.h"

namespace rapport::demo::internal {
namespace {

using rapport::v1::EventType;

}  // namespace

void MemberActivity::ContentDay(absl::CivilDay day, double factor) {
  const PersonaTraits& t = traits_;
  // Spreads `total` counted events over a few events in the next three days.
  auto spread = [&](absl::Time at, EventType type, int content, int total) {
    const int parts = std::min(total, static_cast<int>(rng_.Between(1, 3)));
    for (int i = 0; i < parts; ++i) {
      RawEvent e{.time = After(at, 0.2, 72), .type = type, .content = content};
      e.quantity = total / parts + (i < total % parts ? 1 : 0);
      Emit(e);
    }
  };
  // A decliner stops publishing altogether in the quiet weeks: one post
  // would draw days of reactions and mask the decline.
  const bool quiet =
      Declined(absl::FromCivil(day, absl::UTCTimeZone()) + absl::Hours(12));
  for (int n = Paced(kPosts, quiet ? 0 : t.posts * factor); n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const int post = post_count_++;
    if (!Emit({.time = at,
               .type = v1::EVENT_TYPE_POST_PUBLISHED,
               .content = post})) {
      continue;
    }
    spread(at, v1::EVENT_TYPE_REACTION_RECEIVED, post,
           static_cast<int>(rng_.Between(t.reactions_min, t.reactions_max)));
    spread(at, v1::EVENT_TYPE_COMMENT_RECEIVED, post,
           static_cast<int>(rng_.Between(t.comments_min, t.comments_max)));
    if (rng_.Chance(t.post_share_chance)) {
      spread(at, v1::EVENT_TYPE_SHARE_RECEIVED, post,
             static_cast<int>(rng_.Between(1, 1 + t.reactions_max / 20)));
    }
  }
  for (int n = Paced(kShares, t.shares * factor); n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const int share = -2 - share_count_++;
    if (Emit({.time = at,
              .type = v1::EVENT_TYPE_CONTENT_SHARED,
              .content = share}) &&
        rng_.Chance(0.5)) {
      spread(at, v1::EVENT_TYPE_REACTION_RECEIVED, share,
             static_cast<int>(rng_.Between(1, 1 + t.reactions_max / 5)));
    }
  }
  for (int n = Paced(kCommentsMade, t.comments_made * factor); n > 0; --n) {
    Emit({.time = WorkTime(day), .type = v1::EVENT_TYPE_COMMENT_MADE});
  }
  for (int n = Paced(kGroupPosts, t.group_posts * factor); n > 0; --n) {
    Emit({.time = WorkTime(day), .type = v1::EVENT_TYPE_GROUP_POST});
  }
  for (int n = Paced(kGroupAnswers, t.group_answers * factor); n > 0; --n) {
    Emit({.time = WorkTime(day), .type = v1::EVENT_TYPE_GROUP_ANSWER});
  }
}

}  // namespace rapport::demo::internal
