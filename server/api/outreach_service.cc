#include "server/api/outreach_service.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/outreach_convert.h"
#include "server/api/status.h"
#include "server/api/tenant.h"
#include "server/outreach/compare.h"
#include "server/outreach/report.h"
#include "server/store/list_all_members.h"

namespace rapport::api {
namespace {

constexpr int kDefaultWindowDays = 30;
constexpr int kMaxWindowDays = 365;
constexpr int kDefaultUnansweredDays = 5;
constexpr int kMaxUnansweredDays = 90;
constexpr int kDefaultMaxUnanswered = 20;
constexpr int kMaxUnansweredListed = 1000;

// One member's report over [as_of - window, as_of] and the window before.
absl::StatusOr<outreach::OutreachReport> ReportOf(
    store::Store& store, const store::TenantId& tenant,
    const std::string& member_id, absl::Duration window, absl::Time as_of,
    const outreach::OutreachOptions& options) {
  const absl::Time start = as_of - window;
  auto current = store.ReadActivity(tenant, member_id, start, as_of);
  if (!current.ok()) return current.status();
  auto previous = store.ReadActivity(tenant, member_id, start - window,
                                     start - absl::Nanoseconds(1));
  if (!previous.ok()) return previous.status();
  outreach::OutreachReport report =
      outreach::Analyze(*current, *previous, start, as_of, options);
  for (auto& t : report.unanswered) t.member_id = member_id;
  return report;
}

// Breakdowns of several members combined per channel or seniority.
std::vector<outreach::OutreachBreakdown> CombineBreakdowns(
    const std::vector<outreach::OutreachReport>& reports, bool by_channel) {
  std::map<int, std::vector<outreach::OutreachStats>> groups;
  for (const auto& r : reports) {
    for (const auto& b : by_channel ? r.by_channel : r.by_seniority) {
      groups[by_channel ? static_cast<int>(b.channel)
                        : static_cast<int>(b.seniority)]
          .push_back(b.stats);
    }
  }
  std::vector<outreach::OutreachBreakdown> out;
  for (const auto& [key, stats] : groups) {
    outreach::OutreachBreakdown b;
    if (by_channel) {
      b.channel = static_cast<model::Channel>(key);
    } else {
      b.seniority = static_cast<model::Seniority>(key);
    }
    b.stats = outreach::Combine(stats);
    out.push_back(std::move(b));
  }
  return out;
}

// A team's report: figures pooled over its members (rates recomputed from
// the sums), unanswered threads merged oldest first. Follow-up rates and the
// ideal network are per member and not pooled.
void TeamReport(const std::vector<outreach::OutreachReport>& reports,
                int max_unanswered,
                v1::GetOutreachEffectivenessResponse* response) {
  std::vector<outreach::OutreachStats> current, previous;
  std::vector<outreach::UnansweredThread> unanswered;
  int64_t unanswered_count = 0;
  outreach::Reciprocity reciprocity;
  for (const auto& r : reports) {
    current.push_back(r.current);
    previous.push_back(r.previous);
    unanswered.insert(unanswered.end(), r.unanswered.begin(),
                      r.unanswered.end());
    unanswered_count += r.unanswered_count;
    reciprocity.inbound_threads += r.reciprocity.inbound_threads;
    reciprocity.inbound_answered += r.reciprocity.inbound_answered;
  }
  if (reciprocity.inbound_threads > 0) {
    reciprocity.answered_share =
        static_cast<double>(reciprocity.inbound_answered) /
        static_cast<double>(reciprocity.inbound_threads);
  }
  std::sort(unanswered.begin(), unanswered.end(),
            [](const auto& a, const auto& b) {
              if (a.last_sent_time != b.last_sent_time) {
                return a.last_sent_time < b.last_sent_time;
              }
              return std::tie(a.member_id, a.thread_id) <
                     std::tie(b.member_id, b.thread_id);
            });
  if (unanswered.size() > static_cast<size_t>(max_unanswered)) {
    unanswered.resize(max_unanswered);
  }
  ToProto(outreach::Combine(current), response->mutable_current());
  ToProto(outreach::Combine(previous), response->mutable_previous());
  for (const auto& t : unanswered) ToProto(t, response->add_unanswered());
  response->set_unanswered_count(unanswered_count);
  for (const auto& b : CombineBreakdowns(reports, true)) {
    ToProto(b, response->add_by_channel());
  }
  for (const auto& b : CombineBreakdowns(reports, false)) {
    ToProto(b, response->add_by_seniority());
  }
  ToProto(reciprocity, response->mutable_reciprocity());
  response->mutable_follow_ups()->set_note(
      "follow-up rates are reported per member");
}

void MemberReport(const outreach::OutreachReport& r,
                  v1::GetOutreachEffectivenessResponse* response) {
  ToProto(r.current, response->mutable_current());
  ToProto(r.previous, response->mutable_previous());
  for (const auto& t : r.unanswered) ToProto(t, response->add_unanswered());
  response->set_unanswered_count(r.unanswered_count);
  ToProto(r.follow_ups, response->mutable_follow_ups());
  for (const auto& b : r.by_channel) ToProto(b, response->add_by_channel());
  for (const auto& b : r.by_seniority) {
    ToProto(b, response->add_by_seniority());
  }
  ToProto(r.reciprocity, response->mutable_reciprocity());
  ToProto(r.ideal_network, response->mutable_ideal_network());
}

absl::Status CheckRange(const char* field, int value, int max) {
  if (value < 0 || value > max) {
    return InvalidField(
        field, absl::StrCat("must be between 0 and ", max, ", got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

OutreachServiceImpl::OutreachServiceImpl(store::Store* store,
                                         const Clock* clock,
                                         OutreachServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

absl::Status OutreachServiceImpl::Handle(
    const grpc::CallbackServerContext& context,
    const v1::GetOutreachEffectivenessRequest& request,
    v1::GetOutreachEffectivenessResponse* response) {
  absl::StatusOr<store::TenantId> tenant = TenantOf(context);
  if (!tenant.ok()) return tenant.status();
  using Scope = v1::GetOutreachEffectivenessRequest;
  if (request.scope_case() == Scope::SCOPE_NOT_SET) {
    return InvalidField("scope", "set member_id or team");
  }
  if (request.has_member_id()) {
    if (auto e = CheckId("member_id", request.member_id())) {
      return InvalidField(e->field, e->reason);
    }
  } else if (request.team().empty()) {
    return InvalidField("team", "must not be empty");
  }
  for (auto s :
       {CheckRange("window_days", request.window_days(), kMaxWindowDays),
        CheckRange("unanswered_after_days", request.unanswered_after_days(),
                   kMaxUnansweredDays),
        CheckRange("max_unanswered", request.max_unanswered(),
                   kMaxUnansweredListed)}) {
    if (!s.ok()) return s;
  }
  auto as_of = OptionalTime("as_of", request.has_as_of(), request.as_of(),
                            clock_->Now(), options_.validation);
  if (!as_of.ok()) return as_of.status();
  const absl::Time end = as_of->value_or(clock_->Now());
  const absl::Duration window =
      absl::Hours(24) *
      (request.window_days() == 0 ? kDefaultWindowDays : request.window_days());
  outreach::OutreachOptions analysis = options_.analysis;
  analysis.unanswered_after =
      absl::Hours(24) * (request.unanswered_after_days() == 0
                             ? kDefaultUnansweredDays
                             : request.unanswered_after_days());
  analysis.max_unanswered = request.max_unanswered() == 0
                                ? kDefaultMaxUnanswered
                                : request.max_unanswered();
  ToProtoTime(end - window, response->mutable_window_start_time());
  ToProtoTime(end, response->mutable_window_end_time());

  std::string team = request.team();
  if (request.has_member_id()) {
    auto member = store_->GetMember(*tenant, request.member_id());
    if (!member.ok()) return member.status();
    team = member->team;
  }
  auto members = store::ListAllMembers(*store_, *tenant, team);
  if (!members.ok()) return members.status();
  if (members->empty()) {
    return absl::NotFoundError(
        absl::StrCat("team '", team, "' has no members"));
  }
  if (!request.has_member_id()) {
    std::vector<outreach::OutreachReport> reports;
    for (const model::Member& m : *members) {
      auto report =
          ReportOf(*store_, *tenant, m.member_id, window, end, analysis);
      if (!report.ok()) return report.status();
      reports.push_back(*std::move(report));
    }
    TeamReport(reports, analysis.max_unanswered, response);
    return absl::OkStatus();
  }
  auto mine =
      ReportOf(*store_, *tenant, request.member_id(), window, end, analysis);
  if (!mine.ok()) return mine.status();
  MemberReport(*mine, response);
  if (!mine->current.reply_rate) {
    response->mutable_team_comparison()->set_withheld(true);
    response->mutable_team_comparison()->set_withheld_reason(
        "no reply rate: the member started no thread in the window");
    return absl::OkStatus();
  }
  // Teammates need only their current figures.
  std::vector<std::optional<double>> team_rates;
  for (const model::Member& m : *members) {
    if (m.member_id == request.member_id()) {
      team_rates.push_back(mine->current.reply_rate);
      continue;
    }
    auto activity =
        store_->ReadActivity(*tenant, m.member_id, end - window, end);
    if (!activity.ok()) return activity.status();
    team_rates.push_back(
        outreach::ComputeStats(*activity, end - window, end, analysis)
            .reply_rate);
  }
  ToProto(outreach::Compare(*mine->current.reply_rate, team_rates,
                            options_.min_group_size),
          response->mutable_team_comparison());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* OutreachServiceImpl::GetOutreachEffectiveness(
    grpc::CallbackServerContext* context,
    const v1::GetOutreachEffectivenessRequest* request,
    v1::GetOutreachEffectivenessResponse* response) {
  return FinishUnary(context, Handle(*context, *request, response));
}

}  // namespace rapport::api
