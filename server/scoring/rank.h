// Ranks within a group (an industry, a team, the organisation) and the
// group's averages: what rapport.v1.Rank and leaderboards show. Pure
// functions over already computed scores; thread-safe.
#ifndef RAPPORT_SERVER_SCORING_RANK_H_
#define RAPPORT_SERVER_SCORING_RANK_H_

#include <array>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "server/scoring/score.h"

namespace rapport::scoring {

inline constexpr int kPillarCount = 4;

// A member's figures as ranked. Pillars in the order of model::Pillar,
// professional brand first.
struct MemberTotals {
  double total = 0;
  std::array<double, kPillarCount> pillars{};
};

// The figures of `score` (whose pillars are in model::Pillar order).
MemberTotals TotalsOf(const ScoreResult& score);

struct RankOptions {
  // Groups smaller than this get withheld ranks, so that no individual
  // score can be read off a tiny group's average. Values < 1 mean 1.
  int min_group_size = 5;
};

// Where one member stands in a group; mirrors rapport.v1.Rank without the
// group's name. When withheld, every other field is zero.
struct GroupRank {
  int rank = 0;    // 1 is the highest total; equal totals share a rank.
  int out_of = 0;  // The group's size.
  // 100 * rank / out_of, in (0, 100]: "top 10%" for rank 1 of 10.
  double top_percent = 0;
  double average_total = 0;
  std::array<double, kPillarCount> pillar_averages{};
  bool withheld = false;
  std::string withheld_reason;

  friend bool operator==(const GroupRank&, const GroupRank&) = default;
};

// Competition ranks ("1, 2, 2, 4") of `values`, highest first, in the
// order of `values`: a value's rank is 1 + the number of strictly greater
// values. Values are compared exactly; NaN ranks below everything.
std::vector<int> CompetitionRanks(absl::Span<const double> values);

// The rank of every member of `group` by total, in the order of `group`,
// each with the group's averages. Withheld for every member when the group
// has fewer than options.min_group_size members. Empty for an empty group.
std::vector<GroupRank> RankGroup(absl::Span<const MemberTotals> group,
                                 const RankOptions& options = {});

// The element of RankGroup(group, options) of a member of `group` whose
// total is `total`, bit for bit, found by counting the totals above it
// rather than ranking every member: for one member ranked among many.
GroupRank RankOne(absl::Span<const MemberTotals> group, double total,
                  const RankOptions& options = {});

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_RANK_H_
