#include "server/api/scoring_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/slice.h"
#include "server/api/convert.h"
#include "server/api/page_token.h"
#include "server/api/score_convert.h"
#include "server/api/status.h"
#include "server/api/tenant.h"

namespace rapport::api {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr double kDefaultMinDrop = 5;
constexpr int kDefaultPeriodDays = 7;
constexpr int kDefaultHistoryDays = 90;

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

absl::Status CheckMemberId(const std::string& field, const std::string& id) {
  if (auto e = CheckId(field, id)) return InvalidField(e->field, e->reason);
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return InvalidField("page_size",
                        absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

// A page token's offset; `filters` fingerprint the rest of the request.
absl::StatusOr<size_t> PageOffset(const std::string& token,
                                  const std::string& filters) {
  absl::StatusOr<std::string> cursor = DecodePageToken(token, filters);
  if (!cursor.ok()) return cursor.status();
  if (cursor->empty()) return 0;
  size_t offset = 0;
  if (!absl::SimpleAtoi(*cursor, &offset)) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  return offset;
}

// The group a scope names: a team, an industry, or the tenant. NOT_FOUND
// when the named group has no member.
absl::StatusOr<const board::Group*> GroupOf(const board::Board& board,
                                            bool has_team,
                                            const std::string& team,
                                            bool has_industry,
                                            const std::string& industry) {
  if (has_team) {
    if (team.empty()) return InvalidField("team", "must not be empty");
    const board::Group* g = board.Team(team);
    if (g == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("team '", team, "' has no members"));
    }
    return g;
  }
  if (has_industry) {
    if (industry.empty()) return InvalidField("industry", "must not be empty");
    const board::Group* g = board.Industry(industry);
    if (g == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("industry '", industry, "' has no members"));
    }
    return g;
  }
  return &board.Tenant();
}

std::string TimeKey(std::optional<absl::Time> t) {
  return t ? absl::FormatTime(*t, absl::UTCTimeZone()) : "now";
}

}  // namespace

ScoringServiceImpl::ScoringServiceImpl(store::Store* store,
                                       board::ScoreBoard* board,
                                       const Clock* clock,
                                       ScoringServiceOptions options)
    : store_(store), board_(board), clock_(clock), options_(options) {}

absl::StatusOr<std::shared_ptr<const board::Board>>
ScoringServiceImpl::BoardWith(const store::TenantId& tenant,
                              const std::string& member_id,
                              std::optional<absl::Time> as_of) {
  auto board = board_->Get(tenant, as_of);
  if (!board.ok()) return board.status();
  if ((*board)->Find(member_id) != nullptr) return board;
  // Perhaps the member was created after the cached board was built.
  board = board_->Get(tenant, as_of, /*refresh_changes=*/true);
  if (!board.ok()) return board.status();
  if ((*board)->Find(member_id) == nullptr) {
    return absl::NotFoundError(absl::StrCat("no member '", member_id, "'"));
  }
  return board;
}

absl::StatusOr<std::string> ScoringServiceImpl::DoGetScore(
    const grpc::CallbackServerContext& context,
    const v1::GetScoreRequest& request) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
    return s;
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  auto board = BoardWith(*tenant, request.member_id(), *as_of);
  if (!board.ok()) return board.status();
  const board::Board& b = **board;
  return b.Memo(request.member_id(), [&b](const board::MemberScore& m) {
    v1::GetScoreResponse response;
    ToProto(b, m, response.mutable_score());
    return response.SerializeAsString();
  });
}

absl::Status ScoringServiceImpl::DoBatchGetScores(
    const grpc::CallbackServerContext& context,
    const v1::BatchGetScoresRequest& request,
    v1::BatchGetScoresResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (request.member_ids_size() > options_.max_batch_members) {
    return InvalidField(
        "member_ids",
        absl::StrCat("holds ", request.member_ids_size(),
                     " ids; the maximum is ", options_.max_batch_members));
  }
  for (int i = 0; i < request.member_ids_size(); ++i) {
    if (auto s = CheckMemberId(absl::StrCat("member_ids[", i, "]"),
                               request.member_ids(i));
        !s.ok()) {
      return s;
    }
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  auto board = board_->Get(*tenant, *as_of, /*refresh_changes=*/true);
  if (!board.ok()) return board.status();
  for (const std::string& id : request.member_ids()) {
    const board::MemberScore* m = (*board)->Find(id);
    if (m == nullptr) {
      response->add_missing_member_ids(id);
    } else {
      ToProto(**board, *m, response->add_scores());
    }
  }
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoGetScoreHistory(
    const grpc::CallbackServerContext& context,
    const v1::GetScoreHistoryRequest& request,
    v1::GetScoreHistoryResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  auto end = OptionalTime("end_time", request.has_end_time(),
                          request.end_time(), now, options_.validation);
  if (!end.ok()) return end.status();
  const absl::Time end_time = end->value_or(now);
  auto start = OptionalTime("start_time", request.has_start_time(),
                            request.start_time(), now, options_.validation);
  if (!start.ok()) return start.status();
  const absl::Time start_time =
      start->value_or(end_time - absl::Hours(24) * (kDefaultHistoryDays - 1));
  if (start_time > end_time) {
    return InvalidField("start_time", "must not be after end_time");
  }
  const absl::CivilDay first = DayOf(start_time), last = DayOf(end_time);
  if (last - first + 1 > options_.max_history_days) {
    return InvalidField(
        "start_time",
        absl::StrCat("the range spans ", last - first + 1,
                     " days; the maximum is ", options_.max_history_days));
  }
  auto snapshots =
      store_->ReadScoreHistory(*tenant, request.member_id(), first, last);
  if (!snapshots.ok()) return snapshots.status();
  const absl::CivilDay today = DayOf(now);
  for (const model::ScoreSnapshot& s : *snapshots) {
    if (s.day < today) ToProto(s, response->add_points());
  }
  if (last >= today) {  // Today is not recorded yet: score it live.
    auto board = BoardWith(*tenant, request.member_id(), std::nullopt);
    if (!board.ok()) return board.status();
    const board::MemberScore& m = *(*board)->Find(request.member_id());
    v1::ScorePoint* point = response->add_points();
    ToProtoTime((*board)->as_of(), point->mutable_as_of());
    point->set_total(m.totals.total);
    v1::LeaderboardEntry pillars;
    ToProto(m.totals, &pillars);
    *point->mutable_pillars() = pillars.pillars();
  }
  response->set_model_version(board_->model().version);
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoGetLeaderboard(
    const grpc::CallbackServerContext& context,
    const v1::GetLeaderboardRequest& request,
    v1::GetLeaderboardResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (!v1::Pillar_IsValid(request.order_by())) {
    return InvalidField("order_by",
                        absl::StrCat("unknown value ", request.order_by()));
  }
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  const std::string filters = absl::StrCat(
      request.scope_case(), "\x1f", request.team(), request.industry(), "\x1f",
      request.order_by(), "\x1f", TimeKey(*as_of));
  auto offset = PageOffset(request.page_token(), filters);
  if (!offset.ok()) return offset.status();

  auto board = board_->Get(*tenant, *as_of);
  if (!board.ok()) return board.status();
  auto group = GroupOf(**board, request.has_team(), request.team(),
                       request.has_industry(), request.industry());
  if (!group.ok()) return group.status();
  const auto order_by = static_cast<model::Pillar>(request.order_by());
  std::shared_ptr<const board::Ordering> ordering =
      (*board)->OrderBy(**group, order_by);
  const size_t end = std::min(ordering->members.size(),
                              *offset + static_cast<size_t>(*page_size));
  for (size_t i = *offset; i < end; ++i) {
    const board::MemberScore& m = *ordering->members[i];
    v1::LeaderboardEntry* entry = response->add_entries();
    entry->set_rank(ordering->ranks[i]);
    entry->set_member_id(m.member.member_id);
    entry->set_display_name(m.member.display_name);
    entry->set_team(m.member.team);
    ToProto(m.totals, entry);
    entry->set_change_7d(m.change_7d());
  }
  if (end < ordering->members.size()) {
    response->set_next_page_token(EncodePageToken(filters, absl::StrCat(end)));
  }
  response->set_total_size(static_cast<int32_t>(ordering->members.size()));
  response->set_model_version(board_->model().version);
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoListDecliningMembers(
    const grpc::CallbackServerContext& context,
    const v1::ListDecliningMembersRequest& request,
    v1::ListDecliningMembersResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (request.min_drop() < 0 || request.min_drop() > 100) {
    return InvalidField("min_drop", "must be between 0 and 100");
  }
  if (request.period_days() < 0 ||
      request.period_days() > options_.max_period_days) {
    return InvalidField("period_days", absl::StrCat("must be between 0 and ",
                                                    options_.max_period_days));
  }
  auto page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  const double min_drop =
      request.min_drop() == 0 ? kDefaultMinDrop : request.min_drop();
  const int period =
      request.period_days() == 0 ? kDefaultPeriodDays : request.period_days();
  const std::string filters = absl::StrCat(
      request.scope_case(), "\x1f", request.team(), request.industry(), "\x1f",
      min_drop, "\x1f", period, "\x1f", TimeKey(*as_of));
  auto offset = PageOffset(request.page_token(), filters);
  if (!offset.ok()) return offset.status();

  auto board = board_->Get(*tenant, *as_of);
  if (!board.ok()) return board.status();
  auto group = GroupOf(**board, request.has_team(), request.team(),
                       request.has_industry(), request.industry());
  if (!group.ok()) return group.status();

  struct Decline {
    const board::MemberScore* member;
    scoring::MemberTotals before;
    double change;
  };
  std::vector<Decline> declines;
  const absl::Time before_time = (*board)->as_of() - absl::Hours(24) * period;
  for (const auto& m : (*group)->ranked) {
    scoring::MemberTotals before = m->totals_7d_ago;
    if (period != 7) {
      auto score = board_->ScoreOne(*tenant, m->member, before_time);
      if (!score.ok()) return score.status();
      before = scoring::TotalsOf(*score);
    }
    const double change = m->totals.total - before.total;
    if (change <= -min_drop) declines.push_back({m.get(), before, change});
  }
  std::sort(declines.begin(), declines.end(),
            [](const Decline& a, const Decline& b) {
              if (a.change != b.change) return a.change < b.change;
              return a.member->member.member_id < b.member->member.member_id;
            });
  const size_t end =
      std::min(declines.size(), *offset + static_cast<size_t>(*page_size));
  for (size_t i = *offset; i < end; ++i) {
    const Decline& d = declines[i];
    v1::DecliningMember* out = response->add_members();
    out->set_member_id(d.member->member.member_id);
    out->set_display_name(d.member->member.display_name);
    out->set_team(d.member->member.team);
    out->set_total(d.member->totals.total);
    out->set_previous_total(d.before.total);
    out->set_change(d.change);
    int worst = 0;
    for (int p = 1; p < scoring::kPillarCount; ++p) {
      if (d.member->totals.pillars[p] - d.before.pillars[p] <
          d.member->totals.pillars[worst] - d.before.pillars[worst]) {
        worst = p;
      }
    }
    out->set_pillar_fell_most(static_cast<v1::Pillar>(worst + 1));
    out->set_pillar_change(d.member->totals.pillars[worst] -
                           d.before.pillars[worst]);
  }
  if (end < declines.size()) {
    response->set_next_page_token(EncodePageToken(filters, absl::StrCat(end)));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetScore(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::GetScoreRequest parsed;
  grpc::ByteBuffer copy(*request);  // Deserialize consumes its buffer.
  if (!grpc::SerializationTraits<v1::GetScoreRequest>::Deserialize(&copy,
                                                                   &parsed)
           .ok()) {
    return FinishUnary(
        context, absl::InvalidArgumentError("the request is not a valid "
                                            "rapport.v1.GetScoreRequest"));
  }
  absl::StatusOr<std::string> bytes = DoGetScore(*context, parsed);
  if (bytes.ok()) {
    grpc::Slice slice(bytes->data(), bytes->size());
    *response = grpc::ByteBuffer(&slice, 1);
  }
  return FinishUnary(context, bytes.status());
}

grpc::ServerUnaryReactor* ScoringServiceImpl::BatchGetScores(
    grpc::CallbackServerContext* context,
    const v1::BatchGetScoresRequest* request,
    v1::BatchGetScoresResponse* response) {
  return FinishUnary(context, DoBatchGetScores(*context, *request, response));
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetScoreHistory(
    grpc::CallbackServerContext* context,
    const v1::GetScoreHistoryRequest* request,
    v1::GetScoreHistoryResponse* response) {
  return FinishUnary(context, DoGetScoreHistory(*context, *request, response));
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetLeaderboard(
    grpc::CallbackServerContext* context,
    const v1::GetLeaderboardRequest* request,
    v1::GetLeaderboardResponse* response) {
  return FinishUnary(context, DoGetLeaderboard(*context, *request, response));
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListDecliningMembers(
    grpc::CallbackServerContext* context,
    const v1::ListDecliningMembersRequest* request,
    v1::ListDecliningMembersResponse* response) {
  return FinishUnary(context,
                     DoListDecliningMembers(*context, *request, response));
}

}  // namespace rapport::api
