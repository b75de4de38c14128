#include "server/api/scoring_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/slice.h"
#include "server/api/access.h"
#include "server/api/convert.h"
#include "server/api/deferred_call.h"
#include "server/api/feed_cursor.h"
#include "server/api/pagination.h"
#include "server/api/parse_error.h"
#include "server/api/score_convert.h"
#include "server/api/status.h"
#include "server/common/status_macros.h"

namespace rapport::api {
namespace {

constexpr int kDefaultHistoryDays = 90;

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// The scope of a leaderboard or decliner request. INVALID_ARGUMENT for a
// scope set to an empty name or to text that CheckText refuses.
template <typename Request>
absl::StatusOr<core::GroupScope> ScopeOf(const Request& request) {
  core::GroupScope scope;
  if (request.has_team()) {
    if (request.team().empty())
      return InvalidField("team", "must not be empty");
    RAPPORT_RETURN_IF_ERROR(
        CheckTextField("team", request.team(), kMaxGroupLength, true));
    scope.kind = core::GroupScope::Kind::kTeam;
    scope.name = request.team();
  } else if (request.has_industry()) {
    if (request.industry().empty()) {
      return InvalidField("industry", "must not be empty");
    }
    RAPPORT_RETURN_IF_ERROR(
        CheckTextField("industry", request.industry(), kMaxGroupLength, true));
    scope.kind = core::GroupScope::Kind::kIndustry;
    scope.name = request.industry();
  }
  return scope;
}

// The part of a page token's filters naming the scope and the instant.
template <typename Request>
std::string ScopeKey(const Request& request, std::optional<absl::Time> as_of) {
  return absl::StrCat(
      request.scope_case(), "\x1f", request.team(), request.industry(), "\x1f",
      as_of ? absl::FormatTime(*as_of, absl::UTCTimeZone()) : "now");
}

// Whether `principal` may see the group a leaderboard or decliner request
// names: a team in its scope, or (admins and integrations) any group.
template <typename Request>
absl::Status CheckGroupScope(const Access& access,
                             const auth::Principal& principal,
                             const Request& request) {
  constexpr auth::Permission kPermission = auth::Permission::kLeaderboardRead;
  if (request.has_team())
    return access.Team(principal, request.team(), kPermission);
  return access.TenantWide(principal, kPermission,
                           request.has_industry()
                               ? absl::StrCat("industry ", request.industry())
                               : std::string("the whole tenant"));
}

// How much of the leaderboard `principal` sees: all of it, except a rep
// asking for their own team under the tenant's setting.
absl::StatusOr<RepView> ViewOfLeaderboard(
    const Access& access, const auth::Principal& principal,
    const v1::GetLeaderboardRequest& request) {
  if (principal.role == auth::Role::kRep && request.has_team()) {
    return access.RepTeamView(principal, request.team());
  }
  if (auto s = CheckGroupScope(access, principal, request); !s.ok()) return s;
  return RepView::kFull;
}

}  // namespace

ScoringServiceImpl::ScoringServiceImpl(const core::ScoreQueries* scores,
                                       const Access* access,
                                       ReadAuditLog* reads, const Clock* clock,
                                       ScoringServiceOptions options,
                                       WorkerPool* pool)
    : scores_(scores),
      access_(access),
      reads_(reads),
      clock_(clock),
      options_(options),
      pool_(pool) {}

absl::StatusOr<std::string> ScoringServiceImpl::DoGetScore(
    const grpc::CallbackServerContext& context,
    const v1::GetScoreRequest& request) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
    return s;
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  if (auto s = access_->Member(*principal, request.member_id(),
                               auth::Permission::kScoresRead);
      !s.ok()) {
    return s;
  }
  auto found = scores_->Member(principal->tenant, request.member_id(), *as_of);
  if (!found.ok()) return found.status();
  if (reads_ != nullptr) {
    reads_->Record(*principal, "/rapport.v1.ScoringService/GetScore",
                   request.member_id());
  }
  const board::Board& b = *found->board;
  const double floor = scores_->options().score_floor;
  // The explanation text is written from the member's facts when a score
  // is first shown (board::MemberScore), and the response kept with the
  // board for the reads after it.
  std::string bytes =
      b.Memo(request.member_id(), [&b, floor](const board::MemberScore& m) {
        v1::GetScoreResponse response;
        ToProto(b, m, floor, response.mutable_score());
        return response.SerializeAsString();
      });
  if (goals_ != nullptr && !as_of->has_value()) {
    if (auto s = goals_->AddToScore(*principal, b, request.member_id(), &bytes);
        !s.ok()) {
      return s;
    }
  }
  return bytes;
}

absl::Status ScoringServiceImpl::DoBatchGetScores(
    const grpc::CallbackServerContext& context,
    const v1::BatchGetScoresRequest& request,
    v1::BatchGetScoresResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
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
  // Now: one board holding every change so far. A past instant, or now
  // while the current board is provisional: each member scored alone at it
  // (core::ScoreQueries::Member).
  std::shared_ptr<const board::Board> now;
  if (!as_of->has_value() && scores_->Warm()) {
    auto board = scores_->BoardWithAllChanges(principal->tenant);
    if (!board.ok()) return board.status();
    now = *std::move(board);
  }
  for (const std::string& id : request.member_ids()) {
    core::BoardMember found{.board = now, .member = nullptr};
    if (now != nullptr) {
      found.member = now->Find(id);
    } else {
      // Each past score reads the store: stop once nobody waits.
      if (absl::Status gone = CallerGone(context); !gone.ok()) return gone;
      auto past = scores_->Member(principal->tenant, id, *as_of);
      if (past.ok()) {
        found = *std::move(past);
      } else if (!absl::IsNotFound(past.status())) {
        return past.status();
      }
    }
    const board::MemberScore* m = found.member;
    if (m != nullptr) {
      if (auto s = Access::MemberOfTeam(*principal, id, m->member.team,
                                        auth::Permission::kScoresRead);
          !s.ok()) {
        return s;
      }
    }
    if (m == nullptr) {
      response->add_missing_member_ids(id);
    } else {
      ToProto(*found.board, *m, scores_->options().score_floor,
              response->add_scores());
    }
  }
  if (reads_ != nullptr) {
    for (const v1::Score& score : response->scores()) {
      reads_->Record(*principal, "/rapport.v1.ScoringService/BatchGetScores",
                     score.member_id());
    }
  }
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoGetScoreHistory(
    const grpc::CallbackServerContext& context,
    const v1::GetScoreHistoryRequest& request,
    v1::GetScoreHistoryResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
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
  if (auto s = access_->Member(*principal, request.member_id(),
                               auth::Permission::kScoresRead);
      !s.ok()) {
    return s;
  }
  auto points = scores_->History(principal->tenant, request.member_id(), first,
                                 end_time, !end->has_value());
  if (!points.ok()) return points.status();
  for (const core::HistoryPoint& p : *points) {
    ToProto(p, response->add_points());
  }
  if (reads_ != nullptr) {
    reads_->Record(*principal, "/rapport.v1.ScoringService/GetScoreHistory",
                   request.member_id());
  }
  response->set_model_version(scores_->model().version);
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoGetLeaderboard(
    const grpc::CallbackServerContext& context,
    const v1::GetLeaderboardRequest& request,
    v1::GetLeaderboardResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  auto scope = ScopeOf(request);
  if (!scope.ok()) return scope.status();
  if (!v1::Pillar_IsValid(request.order_by())) {
    return InvalidField("order_by",
                        absl::StrCat("unknown value ", request.order_by()));
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  absl::StatusOr<RepView> view =
      ViewOfLeaderboard(*access_, *principal, request);
  if (!view.ok()) return view.status();
  auto page = ParsePage(
      request.page_size(), request.page_token(),
      absl::StrCat(ScopeKey(request, *as_of), "\x1f", request.order_by(),
                   "\x1f", PrincipalKey(*principal)));
  if (!page.ok()) return page.status();
  auto ranking = scores_->Rank(principal->tenant, *scope,
                               FromProto(request.order_by()), *as_of);
  if (!ranking.ok()) return ranking.status();
  const board::Ordering& ordering = *ranking->ordering;
  auto slice = SliceOf(*page, ordering.members.size());
  if (!slice.ok()) return slice.status();
  for (size_t i = slice->begin; i < slice->end; ++i) {
    v1::LeaderboardEntry* entry = response->add_entries();
    ToProto(*ordering.members[i], ordering.ranks[i], entry);
    if (*view == RepView::kRanksOnly &&
        entry->member_id() != principal->member_id) {
      entry->clear_total();
      entry->clear_pillars();
      entry->clear_change_7d();
    }
  }
  if (goals_ != nullptr && !as_of->has_value()) {
    if (auto s =
            goals_->AddToLeaderboard(*principal, *ranking->board, response);
        !s.ok()) {
      return s;
    }
  }
  response->set_next_page_token(slice->next_page_token);
  response->set_total_size(static_cast<int32_t>(ordering.members.size()));
  response->set_model_version(scores_->model().version);
  ToProtoTime(ranking->board->as_of(), response->mutable_as_of());
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoListDecliningMembers(
    const grpc::CallbackServerContext& context,
    const v1::ListDecliningMembersRequest& request,
    v1::ListDecliningMembersResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  auto scope = ScopeOf(request);
  if (!scope.ok()) return scope.status();
  if (!(request.min_drop() >= 0 && request.min_drop() <= 100)) {
    return InvalidField("min_drop", "must be between 0 and 100");
  }
  if (request.period_days() < 0 ||
      request.period_days() > options_.max_period_days) {
    return InvalidField("period_days", absl::StrCat("must be between 0 and ",
                                                    options_.max_period_days));
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  const std::optional<double> min_drop =
      request.min_drop() == 0 ? std::nullopt
                              : std::optional<double>(request.min_drop());
  const std::optional<int> period =
      request.period_days() == 0 ? std::nullopt
                                 : std::optional<int>(request.period_days());
  if (auto s = CheckGroupScope(*access_, *principal, request); !s.ok()) {
    return s;
  }
  auto page = ParsePage(
      request.page_size(), request.page_token(),
      absl::StrCat(ScopeKey(request, *as_of), "\x1f",
                   min_drop.value_or(scores_->options().decline_points), "\x1f",
                   period.value_or(7), "\x1f", PrincipalKey(*principal)));
  if (!page.ok()) return page.status();
  auto list =
      scores_->Decliners(principal->tenant, *scope, min_drop, period, *as_of);
  if (!list.ok()) return list.status();
  auto slice = SliceOf(*page, list->decliners.size());
  if (!slice.ok()) return slice.status();
  for (size_t i = slice->begin; i < slice->end; ++i) {
    ToProto(list->decliners[i], list->previous_time, response->add_members());
  }
  response->set_next_page_token(slice->next_page_token);
  response->set_min_drop(list->min_drop);
  ToProtoTime(list->board->as_of(), response->mutable_as_of());
  return absl::OkStatus();
}

absl::Status ScoringServiceImpl::DoListScoreChanges(
    const grpc::CallbackServerContext& context,
    const v1::ListScoreChangesRequest& request,
    v1::ListScoreChangesResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (changes_ == nullptr) {
    return absl::UnimplementedError("the score changes feed is not served");
  }
  RAPPORT_RETURN_IF_ERROR(
      CheckTextField("team", request.team(), kMaxGroupLength, false));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return InvalidField("page_size",
                        absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  // Managers read their teams' changes, admins and integrations any;
  // reps have no team-wide view of scores.
  constexpr auth::Permission kPermission = auth::Permission::kScoresRead;
  RAPPORT_RETURN_IF_ERROR(
      request.team().empty()
          ? access_->TenantWide(*principal, kPermission,
                                "the score changes of the whole tenant")
          : access_->Team(*principal, request.team(), kPermission));
  const store::TenantId& tenant = principal->tenant;
  RAPPORT_ASSIGN_OR_RETURN(
      core::FeedPosition position,
      DecodeFeedCursor(request.cursor(), tenant, request.team()));
  RAPPORT_ASSIGN_OR_RETURN(
      core::FeedPage page,
      changes_->Page(tenant, request.team(), position, page_size));
  for (const store::ScoreFeedRow& row : page.rows) {
    ToProto(row, response->add_changes());
    if (reads_ != nullptr) {
      reads_->Record(*principal, "/rapport.v1.ScoringService/ListScoreChanges",
                     row.member_id);
    }
  }
  response->set_next_cursor(
      EncodeFeedCursor(page.next, tenant, request.team()));
  response->set_has_more(page.has_more);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListScoreChanges(
    grpc::CallbackServerContext* context,
    const v1::ListScoreChangesRequest* request,
    v1::ListScoreChangesResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return DoListScoreChanges(*context, *request, response);
  });
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
        context,
        UnparsableRequest(v1::GetScoreRequest::descriptor()->full_name()));
  }
  auto answer = [this, context, response](const v1::GetScoreRequest& parsed) {
    absl::StatusOr<std::string> bytes = DoGetScore(*context, parsed);
    if (bytes.ok()) {
      grpc::Slice slice(bytes->data(), bytes->size());
      *response = grpc::ByteBuffer(&slice, 1);
    }
    return bytes.status();
  };
  // The score now is a lookup in a built board, answered here; a past
  // instant, or any score before the boards are built, is work for the pool.
  if (!parsed.has_as_of() && scores_->Warm()) {
    return FinishUnary(context, answer(parsed));
  }
  return FinishOnPool(context, pool_, [answer, parsed = std::move(parsed)] {
    return answer(parsed);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::BatchGetScores(
    grpc::CallbackServerContext* context,
    const v1::BatchGetScoresRequest* request,
    v1::BatchGetScoresResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return DoBatchGetScores(*context, *request, response);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetScoreHistory(
    grpc::CallbackServerContext* context,
    const v1::GetScoreHistoryRequest* request,
    v1::GetScoreHistoryResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return DoGetScoreHistory(*context, *request, response);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetLeaderboard(
    grpc::CallbackServerContext* context,
    const v1::GetLeaderboardRequest* request,
    v1::GetLeaderboardResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return DoGetLeaderboard(*context, *request, response);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListDecliningMembers(
    grpc::CallbackServerContext* context,
    const v1::ListDecliningMembersRequest* request,
    v1::ListDecliningMembersResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return DoListDecliningMembers(*context, *request, response);
  });
}

}  // namespace rapport::api
