#include "server/core/scores.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/model/score_snapshot.h"

namespace rapport::core {
namespace {

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

scoring::MemberTotals TotalsOf(const model::ScoreSnapshot& s) {
  scoring::MemberTotals t;
  t.total = s.total;
  for (size_t p = 0; p < t.pillars.size(); ++p) t.pillars[p] = s.pillars[p];
  return t;
}

}  // namespace

absl::StatusOr<const board::Group*> FindGroup(const board::Board& board,
                                              const GroupScope& scope) {
  const board::Group* group = nullptr;
  switch (scope.kind) {
    case GroupScope::Kind::kTenant:
      return &board.Tenant();
    case GroupScope::Kind::kTeam:
      group = board.Team(scope.name);
      break;
    case GroupScope::Kind::kIndustry:
      group = board.Industry(scope.name);
      break;
  }
  if (group == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        scope.kind == GroupScope::Kind::kTeam ? "team '" : "industry '",
        scope.name, "' has no members"));
  }
  return group;
}

ScoreQueries::ScoreQueries(store::Store* store, board::ScoreBoard* boards,
                           ScoreQueryOptions options)
    : store_(store), boards_(boards), options_(options) {}

absl::StatusOr<BoardMember> ScoreQueries::MemberAt(
    const store::TenantId& tenant, const std::string& member_id,
    absl::Time as_of) const {
  const FlightKey key(tenant, member_id, as_of);
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&flights_mu_);
    std::shared_ptr<Flight>& slot = flights_[key];
    if (slot == nullptr) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    flight->done.WaitForNotification();
    return flight->result;
  }
  flight->result = ComputeMemberAt(tenant, member_id, as_of);
  {
    absl::MutexLock lock(&flights_mu_);
    flights_.erase(key);
  }
  flight->done.Notify();
  return flight->result;
}

absl::StatusOr<BoardMember> ScoreQueries::ComputeMemberAt(
    const store::TenantId& tenant, const std::string& member_id,
    absl::Time as_of) const {
  RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                           store_->GetMember(tenant, member_id));
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> day,
                           boards_->Get(tenant, as_of));
  return MemberAgainst(tenant, member, as_of, *day);
}

absl::StatusOr<BoardMember> ScoreQueries::MemberAgainst(
    const store::TenantId& tenant, const model::Member& member,
    absl::Time as_of, const board::Board& day) const {
  const std::string& member_id = member.member_id;
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::MemberScore> scored,
                           boards_->ScoreAt(tenant, member, as_of));
  // The member's exact score among its team's and industry's scores of the
  // day, in place of the day's own entry: counted, not a board of peers.
  scoring::RankOptions rank_options;
  rank_options.min_group_size = boards_->options().min_group_size;
  scoring::GroupRank team =
      board::RankAmong(day.Team(member.team), *scored, rank_options);
  scoring::GroupRank industry =
      board::RankAmong(day.Industry(member.industry), *scored, rank_options);
  std::shared_ptr<const board::Board> board =
      board::Board::OfOne(as_of, scored, std::move(team), std::move(industry));
  const board::MemberScore* found = board->Find(member_id);
  return BoardMember{.board = std::move(board), .member = found};
}

absl::StatusOr<BoardMember> ScoreQueries::Member(
    const store::TenantId& tenant, const std::string& member_id,
    std::optional<absl::Time> as_of) const {
  if (as_of.has_value()) return MemberAt(tenant, member_id, *as_of);
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> board,
                           boards_->Get(tenant, as_of));
  if (board->provisional()) {
    // Its scores are a past day's: the member is scored alone as of now,
    // members missing from it included, and placed among them.
    RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                             store_->GetMember(tenant, member_id));
    return MemberAgainst(tenant, member, boards_->Now(), *board);
  }
  const board::MemberScore* m = board->Find(member_id);
  if (m == nullptr) {
    // Perhaps the member was created after the cached board was built.
    RAPPORT_ASSIGN_OR_RETURN(
        board, boards_->Get(tenant, as_of, /*refresh_changes=*/true));
    m = board->Find(member_id);
  }
  if (m == nullptr) {
    return absl::NotFoundError(absl::StrCat("no member '", member_id, "'"));
  }
  return BoardMember{.board = std::move(board), .member = m};
}

absl::StatusOr<std::shared_ptr<const board::Board>>
ScoreQueries::BoardWithAllChanges(const store::TenantId& tenant) const {
  return boards_->Get(tenant, std::nullopt, /*refresh_changes=*/true);
}

absl::StatusOr<std::vector<HistoryPoint>> ScoreQueries::History(
    const store::TenantId& tenant, const std::string& member_id,
    absl::CivilDay first, absl::Time end, bool end_is_now) const {
  std::vector<HistoryPoint> points;
  const absl::CivilDay end_day = DayOf(end);
  if (first < end_day) {
    RAPPORT_ASSIGN_OR_RETURN(
        std::vector<model::ScoreSnapshot> snapshots,
        store_->ReadScoreHistory(tenant, member_id, first, end_day - 1));
    for (const model::ScoreSnapshot& s : snapshots) {
      points.push_back(
          {.as_of = model::EndOfDay(s.day), .totals = TotalsOf(s)});
    }
  }
  if (end_is_now) {
    RAPPORT_ASSIGN_OR_RETURN(BoardMember now,
                             Member(tenant, member_id, std::nullopt));
    points.push_back(
        {.as_of = now.board->as_of(), .totals = now.member->totals});
    return points;
  }
  // An exact past instant, computed for this one member.
  RAPPORT_ASSIGN_OR_RETURN(model::Member member,
                           store_->GetMember(tenant, member_id));
  RAPPORT_ASSIGN_OR_RETURN(scoring::ScoreResult score,
                           boards_->ScoreOne(tenant, member, end));
  points.push_back({.as_of = end, .totals = scoring::TotalsOf(score)});
  return points;
}

absl::StatusOr<Ranking> ScoreQueries::Rank(
    const store::TenantId& tenant, const GroupScope& scope,
    model::Pillar order_by, std::optional<absl::Time> as_of) const {
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> board,
                           boards_->Get(tenant, as_of));
  RAPPORT_ASSIGN_OR_RETURN(const board::Group* group, FindGroup(*board, scope));
  std::shared_ptr<const board::Ordering> ordering =
      board->OrderBy(*group, order_by);
  return Ranking{.board = std::move(board), .ordering = std::move(ordering)};
}

absl::StatusOr<DeclineList> ScoreQueries::Decliners(
    const store::TenantId& tenant, const GroupScope& scope,
    std::optional<double> min_drop, std::optional<int> period_days,
    std::optional<absl::Time> as_of) const {
  RAPPORT_ASSIGN_OR_RETURN(std::shared_ptr<const board::Board> board,
                           boards_->Get(tenant, as_of));
  RAPPORT_ASSIGN_OR_RETURN(const board::Group* group, FindGroup(*board, scope));
  DeclineList list;
  list.board = board;
  list.min_drop = min_drop.value_or(options_.decline_points);
  const int period = period_days.value_or(board::kChangeDays);
  list.previous_time = board::PreviousInstant(board->as_of(), period);
  if (period == board::kChangeDays) {
    list.decliners = board::FindDecliners7d(*group, list.min_drop);
    return list;
  }
  RAPPORT_ASSIGN_OR_RETURN(
      std::vector<model::ScoreSnapshot> snapshots,
      store_->ReadScoresOfDay(tenant, DayOf(list.previous_time)));
  std::map<std::string, scoring::MemberTotals> before;
  for (const model::ScoreSnapshot& s : snapshots) {
    before.emplace(s.member_id, TotalsOf(s));
  }
  list.decliners = board::FindDecliners(
      *group, list.min_drop,
      [&before](const board::MemberScore& m) -> const scoring::MemberTotals* {
        auto it = before.find(m.member.member_id);
        return it == before.end() ? nullptr : &it->second;
      });
  return list;
}

}  // namespace rapport::core
