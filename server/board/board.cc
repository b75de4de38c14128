#include "server/board/board.h"

#include <algorithm>
#include <utility>

#include "server/board/decline.h"
#include "server/common/quantile.h"

namespace rapport::board {
namespace {

bool BetterByTotal(const MemberScore& a, const MemberScore& b) {
  if (a.totals.total != b.totals.total) {
    return a.totals.total > b.totals.total;
  }
  return a.member.member_id < b.member.member_id;
}

bool BetterPtrByTotal(const std::shared_ptr<const MemberScore>& a,
                      const std::shared_ptr<const MemberScore>& b) {
  return BetterByTotal(*a, *b);
}

void RankInPlace(Group& group, const scoring::RankOptions& options) {
  std::sort(group.ranked.begin(), group.ranked.end(), BetterPtrByTotal);
  std::vector<scoring::MemberTotals> totals;
  totals.reserve(group.ranked.size());
  for (const auto& m : group.ranked) totals.push_back(m->totals);
  group.ranks = scoring::RankGroup(totals, options);
  group.outreach_30d = PooledOutreach(group);
}

}  // namespace

Board::Board(absl::Time as_of,
             std::vector<std::shared_ptr<const MemberScore>> members,
             const scoring::RankOptions& rank_options, bool provisional)
    : as_of_(as_of), provisional_(provisional), members_(std::move(members)) {
  tenant_.name = "";
  for (const auto& m : members_) {
    Group& team = teams_[m->member.team];
    team.name = m->member.team;
    team.ranked.push_back(m);
    Group& industry = industries_[m->member.industry];
    industry.name = m->member.industry;
    industry.ranked.push_back(m);
    tenant_.ranked.push_back(m);
  }
  for (auto& [name, group] : teams_) RankInPlace(group, rank_options);
  for (auto& [name, group] : industries_) RankInPlace(group, rank_options);
  RankInPlace(tenant_, rank_options);
  for (size_t i = 0; i < members_.size(); ++i) {
    positions_[members_[i]->member.member_id].index = i;
  }
  memo_ = std::make_unique<MemoSlot[]>(members_.size());
  for (const auto& [name, group] : teams_) {
    for (size_t i = 0; i < group.ranked.size(); ++i) {
      Position& p = positions_[group.ranked[i]->member.member_id];
      p.team = &group;
      p.team_index = i;
    }
  }
  for (const auto& [name, group] : industries_) {
    for (size_t i = 0; i < group.ranked.size(); ++i) {
      Position& p = positions_[group.ranked[i]->member.member_id];
      p.industry = &group;
      p.industry_index = i;
    }
  }
}

Board::Board(absl::Time as_of, std::shared_ptr<const MemberScore> member,
             scoring::GroupRank team_rank, scoring::GroupRank industry_rank)
    : as_of_(as_of), members_{member} {
  const std::string& id = member->member.member_id;
  Group& team = teams_[member->member.team];
  team.name = member->member.team;
  team.ranked = {member};
  team.ranks = {std::move(team_rank)};
  Group& industry = industries_[member->member.industry];
  industry.name = member->member.industry;
  industry.ranked = {member};
  industry.ranks = {std::move(industry_rank)};
  tenant_.ranked = {member};
  tenant_.ranks = scoring::RankGroup({member->totals});
  positions_[id] = Position{.index = 0,
                            .team = &team,
                            .team_index = 0,
                            .industry = &industry,
                            .industry_index = 0};
  memo_ = std::make_unique<MemoSlot[]>(1);
}

std::shared_ptr<const Board> Board::OfOne(
    absl::Time as_of, std::shared_ptr<const MemberScore> member,
    scoring::GroupRank team_rank, scoring::GroupRank industry_rank) {
  return std::shared_ptr<const Board>(new Board(as_of, std::move(member),
                                                std::move(team_rank),
                                                std::move(industry_rank)));
}

scoring::GroupRank RankAmong(const Group* group, const MemberScore& entry,
                             const scoring::RankOptions& options) {
  // The totals in the order a Board would sum them: best first.
  std::vector<scoring::MemberTotals> totals;
  totals.reserve((group == nullptr ? 0 : group->ranked.size()) + 1);
  bool placed = false;
  if (group != nullptr) {
    for (const auto& m : group->ranked) {
      if (m->member.member_id == entry.member.member_id) continue;
      if (!placed && BetterByTotal(entry, *m)) {
        totals.push_back(entry.totals);
        placed = true;
      }
      totals.push_back(m->totals);
    }
  }
  if (!placed) totals.push_back(entry.totals);
  return scoring::RankOne(totals, entry.totals.total, options);
}

const MemberScore* Board::Find(const std::string& member_id) const {
  auto it = positions_.find(member_id);
  if (it == positions_.end()) return nullptr;
  return it->second.team->ranked[it->second.team_index].get();
}

const std::string& Board::Memo(
    const std::string& member_id,
    absl::FunctionRef<std::string(const MemberScore&)> build) const {
  auto it = positions_.find(member_id);
  if (it == positions_.end()) {
    static const std::string* const kNone = new std::string();
    return *kNone;
  }
  const size_t index = it->second.index;
  MemoSlot& slot = memo_[index];
  absl::call_once(slot.once, [&] { slot.value = build(*members_[index]); });
  return slot.value;
}

scoring::ScoreResult PackedScore::Unpack() const {
  scoring::ScoreResult out;
  if (shape != nullptr) out = *shape;
  out.total = total;
  size_t i = 0;
  for (scoring::PillarScore& p : out.pillars) {
    if (i >= figures.size()) break;
    p.score = figures[i++];
    for (scoring::ComponentScore& c : p.components) {
      if (i + 1 >= figures.size()) break;
      c.raw_value = figures[i++];
      c.points = figures[i++];
    }
  }
  return out;
}

bool PackedScore::HasShape(const scoring::ScoreResult& score,
                           const scoring::ScoreResult& shape) {
  if (score.model_version != shape.model_version ||
      score.pillars.size() != shape.pillars.size()) {
    return false;
  }
  for (size_t p = 0; p < score.pillars.size(); ++p) {
    const scoring::PillarScore& a = score.pillars[p];
    const scoring::PillarScore& b = shape.pillars[p];
    if (a.pillar != b.pillar || a.components.size() != b.components.size()) {
      return false;
    }
    for (size_t c = 0; c < a.components.size(); ++c) {
      const scoring::ComponentScore& x = a.components[c];
      const scoring::ComponentScore& y = b.components[c];
      if (x.name != y.name || x.signal != y.signal || x.target != y.target ||
          x.max_points != y.max_points || x.explanation != y.explanation) {
        return false;
      }
    }
  }
  return true;
}

scoring::ScoreResult PackedScore::ShapeOf(const scoring::ScoreResult& score) {
  scoring::ScoreResult shape = score;
  shape.total = 0;
  for (scoring::PillarScore& p : shape.pillars) {
    p.score = 0;
    for (scoring::ComponentScore& c : p.components) {
      c.raw_value = 0;
      c.points = 0;
      c.explanation.clear();
    }
  }
  return shape;
}

PackedScore PackedScore::Pack(
    const scoring::ScoreResult& score,
    std::shared_ptr<const scoring::ScoreResult> shape) {
  PackedScore packed;
  packed.total = score.total;
  size_t n = 0;
  for (const scoring::PillarScore& p : score.pillars) {
    n += 1 + 2 * p.components.size();
  }
  packed.figures.reserve(n);
  for (const scoring::PillarScore& p : score.pillars) {
    packed.figures.push_back(p.score);
    for (const scoring::ComponentScore& c : p.components) {
      packed.figures.push_back(c.raw_value);
      packed.figures.push_back(c.points);
    }
  }
  packed.shape = std::move(shape);
  return packed;
}

scoring::ScoreResult MemberScore::ExplainedScore() const {
  scoring::ScoreResult explained = score.Unpack();
  if (model != nullptr && facts != nullptr) {
    scoring::Explain(*model, member.profile, *facts, explained);
  }
  return explained;
}

const scoring::GroupRank* Board::IndustryRank(
    const std::string& member_id) const {
  auto it = positions_.find(member_id);
  if (it == positions_.end()) return nullptr;
  return &it->second.industry->ranks[it->second.industry_index];
}

const scoring::GroupRank* Board::TeamRank(const std::string& member_id) const {
  auto it = positions_.find(member_id);
  if (it == positions_.end()) return nullptr;
  return &it->second.team->ranks[it->second.team_index];
}

const Group* Board::Team(const std::string& team) const {
  auto it = teams_.find(team);
  return it == teams_.end() ? nullptr : &it->second;
}

const Group* Board::Industry(const std::string& industry) const {
  auto it = industries_.find(industry);
  return it == industries_.end() ? nullptr : &it->second;
}

OutreachSummary PooledOutreach(const Group& group) {
  OutreachSummary pooled;
  for (const auto& m : group.ranked) pooled += m->outreach_30d;
  return pooled;
}

GroupSummary Summarize(const Group& group, double decline_points) {
  GroupSummary s;
  s.members = group.ranked.size();
  if (s.members == 0) return s;
  s.outreach_30d = PooledOutreach(group);
  for (const auto& m : group.ranked) {
    s.average += m->totals.total;
    s.change_7d += m->change_7d();
    for (size_t p = 0; p < s.pillar_averages.pillars.size(); ++p) {
      s.pillar_averages.pillars[p] += m->totals.pillars[p];
    }
    if (IsDeclining(*m, decline_points)) ++s.declining;
  }
  const double n = static_cast<double>(s.members);
  s.average /= n;
  s.change_7d /= n;
  for (double& p : s.pillar_averages.pillars) p /= n;
  std::vector<double> totals;
  totals.reserve(s.members);
  for (const auto& m : group.ranked) totals.push_back(m->totals.total);
  s.median = *Median(totals);
  return s;
}

double ValueOf(const scoring::MemberTotals& totals, model::Pillar order_by) {
  const int p = static_cast<int>(order_by);
  if (p < 1 || p > scoring::kPillarCount) return totals.total;
  return totals.pillars[p - 1];
}

std::shared_ptr<const Ordering> Board::OrderBy(const Group& group,
                                               model::Pillar order_by) const {
  const auto key = std::make_pair(&group, order_by);
  absl::MutexLock lock(&orderings_mu_);
  auto it = orderings_.find(key);
  if (it != orderings_.end()) return it->second;
  auto ordering = std::make_shared<Ordering>();
  Ordering& out = *ordering;
  out.members.reserve(group.ranked.size());
  for (const auto& m : group.ranked) out.members.push_back(m.get());
  if (order_by != model::Pillar::kUnspecified) {
    std::stable_sort(out.members.begin(), out.members.end(),
                     [order_by](const MemberScore* a, const MemberScore* b) {
                       const double va = ValueOf(a->totals, order_by);
                       const double vb = ValueOf(b->totals, order_by);
                       if (va != vb) return va > vb;
                       return a->member.member_id < b->member.member_id;
                     });
  }
  std::vector<double> values;
  values.reserve(out.members.size());
  for (const MemberScore* m : out.members) {
    values.push_back(ValueOf(m->totals, order_by));
  }
  out.ranks = scoring::CompetitionRanks(values);
  orderings_.emplace(key, ordering);
  return ordering;
}

}  // namespace rapport::board
