#include "server/api/recommendation_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/access.h"
#include "server/api/convert.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

constexpr int kDefaultMaxResults = 10;
constexpr int kMaxResults = 100;

// The library's kinds mirror rapport.v1.RecommendationKind value for value.
#define RAPPORT_SAME_KIND(proto, kind)             \
  static_assert(v1::RECOMMENDATION_KIND_##proto == \
                static_cast<int>(recommend::Kind::kind))
RAPPORT_SAME_KIND(UNSPECIFIED, kUnspecified);
RAPPORT_SAME_KIND(ADD_PHOTO, kAddPhoto);
RAPPORT_SAME_KIND(ADD_CERTIFICATIONS, kAddCertifications);
RAPPORT_SAME_KIND(ADD_VOLUNTEER_OR_BOARD_ROLE, kAddVolunteerOrBoardRole);
RAPPORT_SAME_KIND(DESCRIBE_POSITIONS, kDescribePositions);
RAPPORT_SAME_KIND(ADD_EDUCATION, kAddEducation);
RAPPORT_SAME_KIND(EXCHANGE_RECOMMENDATIONS, kExchangeRecommendations);
RAPPORT_SAME_KIND(PUBLISH, kPublish);
RAPPORT_SAME_KIND(SHARE_AND_COMMENT, kShareAndComment);
RAPPORT_SAME_KIND(JOIN_GROUP_DISCUSSION, kJoinGroupDiscussion);
RAPPORT_SAME_KIND(CONNECT_DECISION_MAKERS, kConnectDecisionMakers);
RAPPORT_SAME_KIND(FOLLOW_UP_THREADS, kFollowUpThreads);
RAPPORT_SAME_KIND(FOLLOW_UP_EVENT_CONTACTS, kFollowUpEventContacts);
RAPPORT_SAME_KIND(RECONNECT, kReconnect);
RAPPORT_SAME_KIND(FILL_NETWORK_CATEGORIES, kFillNetworkCategories);
RAPPORT_SAME_KIND(SHAPE_CORE_NETWORK, kShapeCoreNetwork);
RAPPORT_SAME_KIND(SLOW_DOWN_OUTREACH, kSlowDownOutreach);
#undef RAPPORT_SAME_KIND
static_assert(v1::RecommendationKind_MAX == recommend::kMaxKind);

void ToProto(const recommend::Recommendation& r, v1::Recommendation* out) {
  out->set_kind(static_cast<v1::RecommendationKind>(r.kind));
  out->set_pillar(api::ToProto(r.pillar));
  out->set_title(r.title);
  out->set_rationale(r.rationale);
  out->set_expected_gain(r.expected_gain);
  for (const recommend::Target& t : r.targets) {
    v1::RecommendationTarget* target = out->add_targets();
    target->set_contact_id(t.contact_id);
    target->set_thread_id(t.thread_id);
    if (t.due_time.has_value()) {
      ToProtoTime(*t.due_time, target->mutable_due_time());
    }
  }
}

}  // namespace

RecommendationServiceImpl::RecommendationServiceImpl(
    const core::NextActions* actions, const Access* access, const Clock* clock,
    RecommendationServiceOptions options, WorkerPool* pool)
    : actions_(actions),
      access_(access),
      clock_(clock),
      options_(std::move(options)),
      pool_(pool) {}

absl::Status RecommendationServiceImpl::Handle(
    const grpc::CallbackServerContext& context,
    const v1::GetRecommendationsRequest& request,
    v1::GetRecommendationsResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckMemberId("member_id", request.member_id()); !s.ok()) {
    return s;
  }
  if (request.max_results() < 0 || request.max_results() > kMaxResults) {
    return InvalidField("max_results",
                        absl::StrCat("must be between 0 and ", kMaxResults,
                                     ", got ", request.max_results()));
  }
  const absl::Time now = clock_->Now();
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(), now,
                            options_.validation);
  if (!as_of.ok()) return as_of.status();
  if (auto s = access_->Member(*principal, request.member_id(),
                               auth::Permission::kRecommendationsRead);
      !s.ok()) {
    return s;
  }
  auto result = actions_->For(
      principal->tenant, request.member_id(), *as_of, now,
      request.max_results() == 0 ? kDefaultMaxResults : request.max_results());
  if (!result.ok()) return result.status();
  for (const recommend::Recommendation& r : result->recommendations) {
    ToProto(r, response->add_recommendations());
  }
  ToProtoTime(result->as_of, response->mutable_as_of());
  response->set_current_total(result->current_total);
  response->set_model_version(result->model_version);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RecommendationServiceImpl::GetRecommendations(
    grpc::CallbackServerContext* context,
    const v1::GetRecommendationsRequest* request,
    v1::GetRecommendationsResponse* response) {
  return FinishOnPool(context, pool_, [this, context, request, response] {
    return Handle(*context, *request, response);
  });
}

}  // namespace rapport::api
