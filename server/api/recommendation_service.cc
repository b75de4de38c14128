#include "server/api/recommendation_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/status.h"
#include "server/api/tenant.h"
#include "server/recommend/recommend.h"

namespace rapport::api {
namespace {

constexpr int kDefaultMaxResults = 10;
constexpr int kMaxResults = 100;

void ToProto(const recommend::Recommendation& r, v1::Recommendation* out) {
  out->set_kind(static_cast<v1::RecommendationKind>(r.kind));
  out->set_pillar(static_cast<v1::Pillar>(r.pillar));
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
    store::Store* store, board::ScoreBoard* board, const Clock* clock,
    RecommendationServiceOptions options)
    : store_(store),
      board_(board),
      clock_(clock),
      options_(std::move(options)) {}

absl::StatusOr<std::optional<double>> RecommendationServiceImpl::TeamReplyRate(
    const store::TenantId& tenant, const model::Member& member,
    std::optional<absl::Time> as_of) {
  auto board = board_->Get(tenant, as_of);
  if (!board.ok()) return board.status();
  const board::Group* team = (*board)->Team(member.team);
  if (team == nullptr ||
      static_cast<int>(team->ranked.size()) < options_.min_group_size) {
    return std::optional<double>();
  }
  board::OutreachSummary teammates;  // The member's own figures left out.
  for (const auto& m : team->ranked) {
    if (m->member.member_id == member.member_id) continue;
    teammates.threads_started += m->outreach_30d.threads_started;
    teammates.threads_answered += m->outreach_30d.threads_answered;
  }
  return teammates.reply_ratio();
}

absl::Status RecommendationServiceImpl::Handle(
    const grpc::CallbackServerContext& context,
    const v1::GetRecommendationsRequest& request,
    v1::GetRecommendationsResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  if (auto e = CheckId("member_id", request.member_id())) {
    return InvalidField(e->field, e->reason);
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
  const absl::Time end = as_of->value_or(now);

  auto member = store_->GetMember(*tenant, request.member_id());
  if (!member.ok()) return member.status();
  const scoring::ScoringModel& model = board_->model();
  // The one read of the member's aggregates: every counterfactual is
  // re-scored from it in memory.
  auto activity =
      store_->ReadActivity(*tenant, member->member_id,
                           end - absl::Hours(24) * model.window_days, end);
  if (!activity.ok()) return activity.status();
  auto team_rate = TeamReplyRate(*tenant, *member, *as_of);
  if (!team_rate.ok()) return team_rate.status();

  recommend::RecommendOptions options;
  options.max_results =
      request.max_results() == 0 ? kDefaultMaxResults : request.max_results();
  options.team_reply_rate = *team_rate;
  const recommend::Recommendations result =
      recommend::Recommend(model, member->profile, *activity, end, options);
  for (const recommend::Recommendation& r : result.recommendations) {
    ToProto(r, response->add_recommendations());
  }
  response->set_current_total(result.current_total);
  response->set_model_version(result.model_version);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RecommendationServiceImpl::GetRecommendations(
    grpc::CallbackServerContext* context,
    const v1::GetRecommendationsRequest* request,
    v1::GetRecommendationsResponse* response) {
  return FinishUnary(context, Handle(*context, *request, response));
}

}  // namespace rapport::api
