#include "server/api/activity_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/access.h"
#include "server/api/convert.h"
#include "server/api/ingest_reactor.h"
#include "server/api/pagination.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

constexpr char kUpsertMember[] = "/rapport.v1.ActivityService/UpsertMember";
constexpr char kDeleteMember[] = "/rapport.v1.ActivityService/DeleteMember";
constexpr char kIngestEvents[] = "/rapport.v1.ActivityService/IngestEvents";

}  // namespace

ActivityServiceImpl::ActivityServiceImpl(
    store::Store* store, const Access* access, SerialExecutor* writer,
    const Clock* clock, IngestObserver* observer,
    store::MemberChangeListener* listener, ActivityServiceOptions options)
    : store_(store),
      access_(access),
      writer_(writer),
      clock_(clock),
      observer_(observer),
      listener_(listener),
      options_(std::move(options)) {}

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
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  writer_->Post([this, reactor, response, principal = *std::move(principal),
                 member = FromProto(request->member())] {
    const absl::Time now = clock_->Now();
    const store::AuditContext audit =
        AuditContextOf(principal, kUpsertMember, now);
    const store::TenantId& tenant = principal.tenant;
    absl::StatusOr<store::UpsertResult> result =
        store_->UpsertMember(tenant, member, now, &audit);
    if (result.ok()) {
      ToProto(result->member, response->mutable_member());
      response->set_created(result->created);
      listener_->OnMembersChanged(tenant, {member.member_id});
    }
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
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
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  writer_->Post([this, reactor, response, principal = *std::move(principal),
                 member_id = request->member_id()] {
    const store::AuditContext audit =
        AuditContextOf(principal, kDeleteMember, clock_->Now());
    const store::TenantId& tenant = principal.tenant;
    absl::StatusOr<int64_t> deleted =
        store_->DeleteMember(tenant, member_id, &audit);
    if (deleted.ok()) {
      response->set_deleted_event_count(*deleted);
      listener_->OnMembersChanged(tenant, {member_id});
    }
    reactor->Finish(ToGrpcStatus(deleted.status()));
  });
  return reactor;
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
  return new IngestReactor(
      principal->tenant, AuditContextOf(*principal, kIngestEvents, {}), store_,
      writer_, clock_, observer_, listener_, &options_, response);
}

}  // namespace rapport::api
