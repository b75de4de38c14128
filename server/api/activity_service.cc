#include "server/api/activity_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/ingest_reactor.h"
#include "server/api/page_token.h"
#include "server/api/status.h"
#include "server/api/tenant.h"

namespace rapport::api {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::Status CheckMemberId(const std::string& member_id) {
  if (auto e = CheckId("member_id", member_id)) {
    return InvalidField(e->field, e->reason);
  }
  return absl::OkStatus();
}

}  // namespace

ActivityServiceImpl::ActivityServiceImpl(store::Store* store,
                                         SerialExecutor* writer,
                                         const Clock* clock,
                                         IngestObserver* observer,
                                         store::MemberChangeListener* listener,
                                         ActivityServiceOptions options)
    : store_(store),
      writer_(writer),
      clock_(clock),
      observer_(observer),
      listener_(listener),
      options_(std::move(options)) {}

grpc::ServerUnaryReactor* ActivityServiceImpl::UpsertMember(
    grpc::CallbackServerContext* context,
    const v1::UpsertMemberRequest* request,
    v1::UpsertMemberResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(*context);
  if (!tenant.ok()) return FinishUnary(context, tenant.status());
  if (!request->has_member()) {
    return FinishUnary(context, InvalidField("member", "is required"));
  }
  if (absl::Status s = ValidateMember(request->member()); !s.ok()) {
    return FinishUnary(context, s);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  writer_->Post([this, reactor, response, tenant = *std::move(tenant),
                 member = FromProto(request->member())] {
    absl::StatusOr<store::UpsertResult> result =
        store_->UpsertMember(tenant, member, clock_->Now());
    if (result.ok()) {
      ToProto(result->member, response->mutable_member());
      response->set_created(result->created);
      listener_->OnMembersChanged(tenant, {member.member_id});
    }
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* ActivityServiceImpl::GetMember(
    grpc::CallbackServerContext* context, const v1::GetMemberRequest* request,
    v1::GetMemberResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(*context);
  if (!tenant.ok()) return FinishUnary(context, tenant.status());
  if (absl::Status s = CheckMemberId(request->member_id()); !s.ok()) {
    return FinishUnary(context, s);
  }
  absl::StatusOr<model::Member> member =
      store_->GetMember(*tenant, request->member_id());
  if (member.ok()) ToProto(*member, response->mutable_member());
  return FinishUnary(context, member.status());
}

grpc::ServerUnaryReactor* ActivityServiceImpl::ListMembers(
    grpc::CallbackServerContext* context, const v1::ListMembersRequest* request,
    v1::ListMembersResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(*context);
  if (!tenant.ok()) return FinishUnary(context, tenant.status());
  if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
    return FinishUnary(
        context,
        InvalidField("page_size",
                     absl::StrCat("must be between 0 and ", kMaxPageSize)));
  }
  const std::string filters =
      absl::StrCat(request->team(), "\x1f", request->industry());
  absl::StatusOr<std::string> cursor =
      DecodePageToken(request->page_token(), filters);
  if (!cursor.ok()) return FinishUnary(context, cursor.status());

  store::ListMembersQuery query;
  query.team = request->team();
  query.industry = request->industry();
  query.page_size =
      request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  query.after_member_id = *std::move(cursor);
  absl::StatusOr<store::MemberPage> page = store_->ListMembers(*tenant, query);
  if (!page.ok()) return FinishUnary(context, page.status());
  for (const model::Member& m : page->members) {
    ToProto(m, response->add_members());
  }
  if (page->has_more && !page->members.empty()) {
    response->set_next_page_token(
        EncodePageToken(filters, page->members.back().member_id));
  }
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ActivityServiceImpl::DeleteMember(
    grpc::CallbackServerContext* context,
    const v1::DeleteMemberRequest* request,
    v1::DeleteMemberResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(*context);
  if (!tenant.ok()) return FinishUnary(context, tenant.status());
  if (absl::Status s = CheckMemberId(request->member_id()); !s.ok()) {
    return FinishUnary(context, s);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  writer_->Post([this, reactor, response, tenant = *std::move(tenant),
                 member_id = request->member_id()] {
    absl::StatusOr<int64_t> deleted = store_->DeleteMember(tenant, member_id);
    if (deleted.ok()) {
      response->set_deleted_event_count(*deleted);
      listener_->OnMembersChanged(tenant, {member_id});
    }
    reactor->Finish(ToGrpcStatus(deleted.status()));
  });
  return reactor;
}

grpc::ServerReadReactor<v1::IngestEventsRequest>*
ActivityServiceImpl::IngestEvents(grpc::CallbackServerContext* context,
                                  v1::IngestEventsResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(*context);
  if (!tenant.ok()) {
    // A reactor that finishes at once with the error.
    class Refuse final
        : public grpc::ServerReadReactor<v1::IngestEventsRequest> {
     public:
      explicit Refuse(const absl::Status& s) { Finish(ToGrpcStatus(s)); }
      void OnDone() override { delete this; }
    };
    return new Refuse(tenant.status());
  }
  return new IngestReactor(*std::move(tenant), store_, writer_, clock_,
                           observer_, listener_, &options_, response);
}

}  // namespace rapport::api
