#include "server/api/goal_service.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/api/convert.h"
#include "server/api/goal_convert.h"
#include "server/api/pagination.h"
#include "server/api/status.h"
#include "server/api/validate.h"

namespace rapport::api {
namespace {

constexpr char kCreateMethod[] = "/rapport.v1.GoalService/CreateGoal";
constexpr char kDeleteMethod[] = "/rapport.v1.GoalService/DeleteGoal";

// Where a list resumes: the due time (zero-padded microseconds, so that
// strings order as times; due times are after 1970) and the goal_id of the last
// goal returned.
std::string CursorOf(const store::GoalRecord& goal) {
  return absl::StrFormat("%020d:%s", absl::ToUnixMicros(goal.due_time),
                         goal.goal_id);
}

// `t` cut to whole microseconds, the store's resolution.
absl::Time WholeMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

absl::Status CheckGoal(const v1::Goal& goal, absl::Time now) {
  switch (goal.subject_case()) {
    case v1::Goal::kMemberId:
      if (auto s = CheckMemberId("goal.member_id", goal.member_id()); !s.ok()) {
        return s;
      }
      break;
    case v1::Goal::kTeam:
      if (auto s =
              CheckTextField("goal.team", goal.team(), kMaxGroupLength, true);
          !s.ok()) {
        return s;
      }
      break;
    case v1::Goal::SUBJECT_NOT_SET:
      return InvalidField("goal.subject", "set goal.member_id or goal.team");
  }
  if (!v1::Pillar_IsValid(goal.pillar())) {
    return InvalidField("goal.pillar",
                        absl::StrCat("unknown value ", goal.pillar()));
  }
  const double scale =
      core::GoalScale(FromProto(static_cast<v1::Pillar>(goal.pillar())));
  if (!std::isfinite(goal.target()) || goal.target() < 0 ||
      goal.target() > scale) {
    return InvalidField(
        "goal.target",
        absl::StrCat("must be between 0 and ", scale,
                     goal.pillar() == v1::PILLAR_UNSPECIFIED ? " (the SSI)"
                                                             : " (a pillar)",
                     ", got ", goal.target()));
  }
  if (!goal.has_due_time()) return InvalidField("goal.due_time", "is required");
  const google::protobuf::Timestamp& due = goal.due_time();
  if (due.nanos() < 0 || due.nanos() > 999999999) {
    return InvalidField("goal.due_time",
                        "nanos must be between 0 and 999999999");
  }
  const absl::Time t = FromProtoTime(due);
  if (t <= now) return InvalidField("goal.due_time", "must be in the future");
  if (t > now + kMaxGoalHorizon) {
    return InvalidField("goal.due_time",
                        "must be at most two years (731 days) ahead");
  }
  return CheckTextField("goal.note", goal.note(), kMaxGoalNoteLength, false);
}

// The team of `member_id`: from the board, else from the store (a member
// not yet on it). NOT_FOUND for an unknown member.
absl::StatusOr<std::string> TeamOf(store::Store& store,
                                   const store::TenantId& tenant,
                                   const board::Board& board,
                                   const std::string& member_id) {
  if (const board::MemberScore* m = board.Find(member_id)) {
    return m->member.team;
  }
  absl::StatusOr<model::Member> member = store.GetMember(tenant, member_id);
  if (!member.ok()) return member.status();
  return member->team;
}

}  // namespace

absl::StatusOr<std::string> NewGoalId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random generator failed");
  }
  return absl::StrCat(
      "g_", absl::BytesToHexString(absl::string_view(
                reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

GoalServiceImpl::GoalServiceImpl(const core::ScoreQueries* scores,
                                 const core::GoalTracker* goals,
                                 const Access* access, const Clock* clock,
                                 WorkerPool* pool)
    : scores_(scores),
      goals_(goals),
      access_(access),
      clock_(clock),
      pool_(pool) {}

absl::Status GoalServiceImpl::HandleCreate(
    const grpc::CallbackServerContext& context,
    const v1::CreateGoalRequest& request, v1::CreateGoalResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (!request.has_goal()) return InvalidField("goal", "is required");
  const v1::Goal& goal = request.goal();
  const absl::Time now = clock_->Now();
  if (auto s = CheckGoal(goal, now); !s.ok()) return s;
  constexpr auth::Permission kPermission = auth::Permission::kGoalsWrite;
  store::Store& store = *goals_->store();
  const bool for_member = goal.subject_case() == v1::Goal::kMemberId;
  if (for_member) {
    if (auto s = access_->Member(*principal, goal.member_id(), kPermission);
        !s.ok()) {
      return s;
    }
    if (auto m = store.GetMember(principal->tenant, goal.member_id());
        !m.ok()) {
      return m.status();
    }
  } else if (auto s = access_->Team(*principal, goal.team(), kPermission);
             !s.ok()) {
    return s;
  }
  absl::StatusOr<std::shared_ptr<const board::Board>> board =
      scores_->BoardWithAllChanges(principal->tenant);
  if (!board.ok()) return board.status();
  if (!for_member && (*board)->Team(goal.team()) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("team ", goal.team(), " has no members"));
  }
  store::GoalRecord record;
  record.member_id = for_member ? goal.member_id() : "";
  record.team = for_member ? "" : goal.team();
  record.pillar = goal.pillar();
  record.target = goal.target();
  // The store keeps whole microseconds.
  record.due_time = WholeMicros(FromProtoTime(goal.due_time()));
  record.note = goal.note();
  record.create_time = WholeMicros(now);
  record.created_by = principal->id;
  const store::AuditContext audit =
      AuditContextOf(*principal, kCreateMethod, now);
  absl::Status created;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<std::string> id = NewGoalId();
    if (!id.ok()) return id.status();
    record.goal_id = *std::move(id);
    created = store.CreateGoal(principal->tenant, record, &audit);
    if (!absl::IsAlreadyExists(created)) break;
  }
  if (!created.ok()) return created;
  goals_->Invalidate(principal->tenant);
  const store::GoalRecord records[] = {record};
  absl::StatusOr<std::vector<core::GoalView>> views =
      goals_->Evaluate(principal->tenant, **board, records);
  if (!views.ok()) return views.status();
  ToProto(views->front(), response->mutable_goal());
  return absl::OkStatus();
}

absl::Status GoalServiceImpl::HandleList(
    const grpc::CallbackServerContext& context,
    const v1::ListGoalsRequest& request, v1::ListGoalsResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (!request.member_id().empty()) {
    if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
      return s;
    }
  }
  if (auto s = CheckTextField("team", request.team(), kMaxGroupLength, false);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Page> paging =
      ParsePage(request.page_size(), request.page_token(),
                absl::StrCat(request.member_id(), "\x1f", request.team(),
                             "\x1f", PrincipalKey(*principal)));
  if (!paging.ok()) return paging.status();
  constexpr auth::Permission kPermission = auth::Permission::kGoalsRead;
  store::Store& store = *goals_->store();
  const store::TenantId& tenant = principal->tenant;
  absl::StatusOr<std::shared_ptr<const board::Board>> board =
      scores_->BoardWithAllChanges(tenant);
  if (!board.ok()) return board.status();

  // A rep's own team: the team goals they see.
  std::string own_team;
  if (principal->role == auth::Role::kRep) {
    absl::StatusOr<std::string> team =
        TeamOf(store, tenant, **board, principal->member_id);
    if (!team.ok() && !absl::IsNotFound(team.status())) return team.status();
    if (team.ok()) own_team = *team;
  }
  std::string member_team;
  if (!request.member_id().empty()) {
    if (auto s = access_->Member(*principal, request.member_id(), kPermission);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::string> team =
        TeamOf(store, tenant, **board, request.member_id());
    if (!team.ok()) return team.status();
    member_team = *team;
  }
  if (!request.team().empty() && !principal->ManagesTeam(request.team()) &&
      !(principal->role == auth::Role::kRep && request.team() == own_team)) {
    return ScopeDenied(*principal, kPermission,
                       absl::StrCat("team ", request.team()),
                       principal->role == auth::Role::kManager
                           ? "not a team this manager manages"
                           : "a rep sees only their own team's goals");
  }

  absl::StatusOr<std::vector<store::GoalRecord>> all =
      store.ListGoals(tenant, store::GoalFilter{});
  if (!all.ok()) return all.status();
  std::vector<store::GoalRecord> selected;
  for (store::GoalRecord& goal : *all) {
    const bool team_goal = !goal.team.empty();
    // The team the goal concerns: its own, or its member's current one.
    std::string team = goal.team;
    if (!team_goal) {
      const board::MemberScore* m = (*board)->Find(goal.member_id);
      if (m != nullptr) team = m->member.team;
    }
    const bool visible = team_goal ? principal->ManagesTeam(team) ||
                                         (principal->role == auth::Role::kRep &&
                                          !own_team.empty() && team == own_team)
                                   : principal->Sees(goal.member_id, team);
    if (!visible) continue;
    if (!request.member_id().empty() &&
        !(goal.member_id == request.member_id() ||
          (team_goal && goal.team == member_team))) {
      continue;
    }
    if (!request.team().empty() && team != request.team()) continue;
    if (!paging->cursor.empty() && CursorOf(goal) <= paging->cursor) continue;
    selected.push_back(std::move(goal));
  }
  const bool more = selected.size() > paging->size;
  if (more) selected.resize(paging->size);
  absl::StatusOr<std::vector<core::GoalView>> views =
      goals_->Evaluate(tenant, **board, selected);
  if (!views.ok()) return views.status();
  for (const core::GoalView& view : *views) {
    ToProto(view, response->add_goals());
  }
  if (more && !selected.empty()) {
    response->set_next_page_token(
        NextPageToken(*paging, CursorOf(selected.back())));
  }
  return absl::OkStatus();
}

absl::Status GoalServiceImpl::HandleDelete(
    const grpc::CallbackServerContext& context,
    const v1::DeleteGoalRequest& request) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto e = CheckId("goal_id", request.goal_id())) {
    return InvalidField(e->field, e->reason);
  }
  store::Store& store = *goals_->store();
  absl::StatusOr<std::vector<store::GoalRecord>> found = store.ListGoals(
      principal->tenant, store::GoalFilter::ById(request.goal_id()));
  if (!found.ok()) return found.status();
  if (found->empty()) return absl::NotFoundError("goal not found");
  const store::GoalRecord& goal = found->front();
  constexpr auth::Permission kPermission = auth::Permission::kGoalsWrite;
  if (auto s = goal.team.empty()
                   ? access_->Member(*principal, goal.member_id, kPermission)
                   : access_->Team(*principal, goal.team, kPermission);
      !s.ok()) {
    return s;
  }
  const store::AuditContext audit =
      AuditContextOf(*principal, kDeleteMethod, clock_->Now());
  absl::Status deleted =
      store.DeleteGoal(principal->tenant, goal.goal_id, &audit);
  goals_->Invalidate(principal->tenant);
  return deleted;
}

grpc::ServerUnaryReactor* GoalServiceImpl::CreateGoal(
    grpc::CallbackServerContext* context, const v1::CreateGoalRequest* request,
    v1::CreateGoalResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return HandleCreate(*context, *request, response);
  });
}

grpc::ServerUnaryReactor* GoalServiceImpl::ListGoals(
    grpc::CallbackServerContext* context, const v1::ListGoalsRequest* request,
    v1::ListGoalsResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return HandleList(*context, *request, response);
  });
}

grpc::ServerUnaryReactor* GoalServiceImpl::DeleteGoal(
    grpc::CallbackServerContext* context, const v1::DeleteGoalRequest* request,
    v1::DeleteGoalResponse*) {
  return FinishOnPool(context, pool_, [this, context, request] {
    return HandleDelete(*context, *request);
  });
}

}  // namespace rapport::api
