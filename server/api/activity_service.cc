#include "server/api/activity_service.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/api/access.h"
#include "server/api/convert.h"
#include "server/api/deferred_call.h"
#include "server/api/ingest_batch.h"
#include "server/api/ingest_reactor.h"
#include "server/api/pagination.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

constexpr char kUpsertMember[] = "/rapport.v1.ActivityService/UpsertMember";
constexpr char kDeleteMember[] = "/rapport.v1.ActivityService/DeleteMember";
constexpr char kIngestEvents[] = "/rapport.v1.ActivityService/IngestEvents";
constexpr char kWriteEvents[] = "/rapport.v1.ActivityService/WriteEvents";
constexpr char kBatchUpsertMembers[] =
    "/rapport.v1.ActivityService/BatchUpsertMembers";

// INVALID_ARGUMENT when the request holds no member, more than
// kMaxBatchMembers or one member_id twice.
absl::Status CheckBatchShape(const v1::BatchUpsertMembersRequest& request) {
  const int n = request.members_size();
  if (n == 0 || n > kMaxBatchMembers) {
    return InvalidField("members",
                        absl::StrCat("holds ", n, " members; send 1 to ",
                                     kMaxBatchMembers, " per request"));
  }
  absl::flat_hash_map<absl::string_view, int> first;
  for (int i = 0; i < n; ++i) {
    const std::string& id = request.members(i).member_id();
    if (id.empty()) continue;  // Rejected by its own check.
    auto [it, fresh] = first.try_emplace(id, i);
    if (!fresh) {
      return InvalidField(
          absl::StrCat("members[", i, "].member_id"),
          absl::StrCat("'", id, "' is also members[", it->second,
                       "]; each member may appear once per request"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ActivityServiceImpl::ActivityServiceImpl(
    store::Store* store, const Access* access, SerialExecutor* writer,
    const Clock* clock, IngestObserver* observer,
    store::MemberChangeListener* listener, ActivityServiceOptions options,
    WorkerPool* parsers)
    : store_(store),
      access_(access),
      writer_(writer),
      clock_(clock),
      observer_(observer),
      listener_(listener),
      options_(std::move(options)),
      parsers_(parsers),
      group_(store, listener, clock, options_.max_group_events) {}

grpc::ServerUnaryReactor* ActivityServiceImpl::UpsertMember(
    grpc::CallbackServerContext* context,
    const v1::UpsertMemberRequest* request,
    v1::UpsertMemberResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) return FinishUnary(context, principal.status());
  if (!request->has_member()) {
    return FinishUnary(context, InvalidField("member", "is required"));
  }
  if (absl::Status s = ValidateMember(request->member()); !s.ok()) {
    return FinishUnary(context, s);
  }
  return SubmitWrite(
      context, writer_,
      [this, response, principal = *std::move(principal),
       member = FromProto(request->member())](UnaryCompletion& done) {
        const absl::Time now = clock_->Now();
        const store::AuditContext audit =
            AuditContextOf(principal, kUpsertMember, now);
        const store::TenantId& tenant = principal.tenant;
        absl::StatusOr<store::UpsertResult> result =
            store_->UpsertMember(tenant, member, now, &audit);
        if (result.ok())
          listener_->OnMembersChanged(tenant, {member.member_id});
        done.Finish(ToGrpcStatus(result.status()), [&] {
          if (!result.ok()) return;
          ToProto(result->member, response->mutable_member());
          response->set_created(result->created);
        });
      });
}

absl::Status ActivityServiceImpl::DoGetMember(
    const grpc::CallbackServerContext& context,
    const v1::GetMemberRequest& request, v1::GetMemberResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
    return s;
  }
  if (auto s = access_->Member(*principal, request.member_id(),
                               auth::Permission::kMembersRead);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<model::Member> member =
      store_->GetMember(principal->tenant, request.member_id());
  if (!member.ok()) return member.status();
  ToProto(*member, response->mutable_member());
  return absl::OkStatus();
}

absl::Status ActivityServiceImpl::DoListMembers(
    const grpc::CallbackServerContext& context,
    const v1::ListMembersRequest& request, v1::ListMembersResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"team", request.team()},
        {"industry", request.industry()}}) {
    if (auto s = CheckTextField(field, value, kMaxGroupLength, false);
        !s.ok()) {
      return s;
    }
  }
  constexpr auth::Permission kPermission = auth::Permission::kMembersRead;
  if (auto s = request.team().empty()
                   ? access_->TenantWide(*principal, kPermission,
                                         "the members of the whole tenant")
                   : access_->Team(*principal, request.team(), kPermission);
      !s.ok()) {
    return s;
  }
  auto paging =
      ParsePage(request.page_size(), request.page_token(),
                absl::StrCat(request.team(), "\x1f", request.industry(), "\x1f",
                             PrincipalKey(*principal)));
  if (!paging.ok()) return paging.status();
  store::ListMembersQuery query;
  query.team = request.team();
  query.industry = request.industry();
  query.page_size = static_cast<int>(paging->size);
  query.after_member_id = paging->cursor;
  absl::StatusOr<store::MemberPage> page =
      store_->ListMembers(principal->tenant, query);
  if (!page.ok()) return page.status();
  for (const model::Member& m : page->members) {
    ToProto(m, response->add_members());
  }
  if (page->has_more && !page->members.empty()) {
    response->set_next_page_token(
        NextPageToken(*paging, page->members.back().member_id));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ActivityServiceImpl::GetMember(
    grpc::CallbackServerContext* context, const v1::GetMemberRequest* request,
    v1::GetMemberResponse* response) {
  return FinishUnary(context, DoGetMember(*context, *request, response));
}

grpc::ServerUnaryReactor* ActivityServiceImpl::ListMembers(
    grpc::CallbackServerContext* context, const v1::ListMembersRequest* request,
    v1::ListMembersResponse* response) {
  return FinishUnary(context, DoListMembers(*context, *request, response));
}

grpc::ServerUnaryReactor* ActivityServiceImpl::DeleteMember(
    grpc::CallbackServerContext* context,
    const v1::DeleteMemberRequest* request,
    v1::DeleteMemberResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) return FinishUnary(context, principal.status());
  if (auto s = CheckMemberId("member_id", request->member_id()); !s.ok()) {
    return FinishUnary(context, s);
  }
  return SubmitWrite(context, writer_,
                     [this, response, principal = *std::move(principal),
                      member_id = request->member_id()](UnaryCompletion& done) {
                       const store::AuditContext audit = AuditContextOf(
                           principal, kDeleteMember, clock_->Now());
                       const store::TenantId& tenant = principal.tenant;
                       absl::StatusOr<int64_t> deleted =
                           store_->DeleteMember(tenant, member_id, &audit);
                       if (deleted.ok())
                         listener_->OnMembersChanged(tenant, {member_id});
                       done.Finish(ToGrpcStatus(deleted.status()), [&] {
                         if (deleted.ok())
                           response->set_deleted_event_count(*deleted);
                       });
                     });
}

grpc::ServerUnaryReactor* ActivityServiceImpl::WriteEvents(
    grpc::CallbackServerContext* context, const v1::WriteEventsRequest* request,
    v1::WriteEventsResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) return FinishUnary(context, principal.status());
  // The tally and its batch live until the writer has committed.
  struct Call {
    v1::IngestEventsResponse tally;
    std::optional<IngestBatches> batches;
  };
  auto call = std::make_shared<Call>();
  call->batches.emplace(principal->tenant,
                        AuditContextOf(*principal, kWriteEvents, {}), store_,
                        &group_, clock_, observer_, &options_,
                        IngestBatches::Source::kRequest, &call->tally);
  absl::StatusOr<ValidatedBatch> batch =
      call->batches->Validate(request->events());
  if (!batch.ok()) return FinishUnary(context, batch.status());
  // Not offered to other writes' groups: it leads its own when its turn
  // comes (with the stream batches queued by then).
  return SubmitWrite(
      context, writer_,
      [response, call, ticket = call->batches->Stage(*std::move(batch))](
          UnaryCompletion& done) {
        absl::Status status = call->batches->Commit(ticket);
        done.Finish(ToGrpcStatus(status), [&] {
          if (status.ok()) {
            ToWriteEventsResponse(std::move(call->tally), response);
          }
        });
      });
}

grpc::ServerUnaryReactor* ActivityServiceImpl::BatchUpsertMembers(
    grpc::CallbackServerContext* context,
    const v1::BatchUpsertMembersRequest* request,
    v1::BatchUpsertMembersResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) return FinishUnary(context, principal.status());
  if (absl::Status s = CheckBatchShape(*request); !s.ok()) {
    return FinishUnary(context, s);
  }
  std::vector<model::Member> members;
  for (int i = 0; i < request->members_size(); ++i) {
    const v1::Member& m = request->members(i);
    if (std::optional<FieldError> e = MemberProblem(m)) {
      v1::RejectedMember* r = response->add_rejected();
      r->set_index(i);
      r->set_member_id(m.member_id());
      r->set_field(e->field);
      r->set_reason(absl::StrCat(e->field, ": ", e->reason));
      r->set_code(grpc::StatusCode::INVALID_ARGUMENT);
      continue;
    }
    members.push_back(FromProto(m));
  }
  response->set_rejected_count(response->rejected_size());
  if (members.empty()) return FinishUnary(context, absl::OkStatus());
  // The rejected members are already in `response`: filled before the
  // call can be answered, read by gRPC only after it is.
  return SubmitWrite(
      context, writer_,
      [this, response, principal = *std::move(principal),
       members = std::move(members)](UnaryCompletion& done) {
        const absl::Time now = clock_->Now();
        const store::AuditContext audit =
            AuditContextOf(principal, kBatchUpsertMembers, now);
        absl::StatusOr<std::vector<store::UpsertResult>> results =
            store_->UpsertMembers(principal.tenant, members, now, &audit);
        if (results.ok()) {
          std::vector<std::string> ids;
          for (const store::UpsertResult& result : *results) {
            ids.push_back(result.member.member_id);
          }
          listener_->OnMembersChanged(principal.tenant, ids);
        }
        done.Finish(ToGrpcStatus(results.status()), [&] {
          if (!results.ok()) return;
          for (const store::UpsertResult& result : *results) {
            ToProto(result.member, response->add_members());
            if (result.created) {
              response->set_created_count(response->created_count() + 1);
            } else {
              response->set_updated_count(response->updated_count() + 1);
            }
          }
        });
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* ActivityServiceImpl::IngestEvents(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) {
    // A reactor that finishes at once with the error.
    class Refuse final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
     public:
      explicit Refuse(const absl::Status& s) { Finish(ToGrpcStatus(s)); }
      void OnDone() override { delete this; }
    };
    return new Refuse(principal.status());
  }
  return new IngestReactor(context, principal->tenant,
                           AuditContextOf(*principal, kIngestEvents, {}),
                           store_, &group_, writer_, parsers_, &trimmer_,
                           clock_, observer_, &options_, response);
}

}  // namespace rapport::api
