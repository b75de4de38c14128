#include "server/api/outreach_convert.h"

#include "server/api/convert.h"

namespace rapport::api {
namespace {

void ToProtoDuration(absl::Duration d, google::protobuf::Duration* out) {
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
}

}  // namespace

void ToProto(const outreach::OutreachStats& s, v1::OutreachStats* out) {
  out->set_messages_sent(s.messages_sent);
  out->set_connection_requests_sent(s.connection_requests_sent);
  out->set_follow_ups_sent(s.follow_ups_sent);
  out->set_contacts_reached(s.contacts_reached);
  out->set_threads_started(s.threads_started);
  out->set_threads_answered(s.threads_answered);
  if (s.reply_rate) out->set_reply_rate(*s.reply_rate);
  out->set_connections_accepted(s.connections_accepted);
  if (s.acceptance_rate) out->set_acceptance_rate(*s.acceptance_rate);
  if (s.median_time_to_reply) {
    ToProtoDuration(*s.median_time_to_reply,
                    out->mutable_median_time_to_reply());
  }
  if (s.p90_time_to_reply) {
    ToProtoDuration(*s.p90_time_to_reply, out->mutable_p90_time_to_reply());
  }
  out->set_meetings_booked(s.meetings_booked);
  if (s.meetings_per_100_threads) {
    out->set_meetings_per_100_threads(*s.meetings_per_100_threads);
  }
}

void ToProto(const outreach::OutreachBreakdown& b, v1::OutreachBreakdown* out) {
  out->set_channel(static_cast<v1::Channel>(b.channel));
  out->set_seniority(static_cast<v1::Seniority>(b.seniority));
  ToProto(b.stats, out->mutable_stats());
}

void ToProto(const outreach::UnansweredThread& t, v1::UnansweredThread* out) {
  out->set_thread_id(t.thread_id);
  out->set_contact_id(t.contact_id);
  out->set_member_id(t.member_id);
  out->set_channel(static_cast<v1::Channel>(t.channel));
  out->set_seniority(static_cast<v1::Seniority>(t.seniority));
  ToProtoTime(t.last_sent_time, out->mutable_last_sent_time());
  out->set_follow_up_count(t.follow_up_count);
}

void ToProto(const outreach::FollowUpStats& f, v1::FollowUpStats* out) {
  if (f.followed_up_share) out->set_followed_up_share(*f.followed_up_share);
  if (f.reply_rate_with_follow_up) {
    out->set_reply_rate_with_follow_up(*f.reply_rate_with_follow_up);
  }
  out->set_threads_with_follow_up(f.threads_with_follow_up);
  if (f.reply_rate_without_follow_up) {
    out->set_reply_rate_without_follow_up(*f.reply_rate_without_follow_up);
  }
  out->set_threads_without_follow_up(f.threads_without_follow_up);
  out->set_note(f.note);
}

void ToProto(const outreach::Reciprocity& r, v1::Reciprocity* out) {
  out->set_inbound_threads(r.inbound_threads);
  out->set_inbound_answered(r.inbound_answered);
  if (r.answered_share) out->set_answered_share(*r.answered_share);
  if (r.median_time_to_answer) {
    ToProtoDuration(*r.median_time_to_answer,
                    out->mutable_median_time_to_answer());
  }
}

void ToProto(const outreach::IdealNetwork& n, v1::IdealNetwork* out) {
  out->set_core_count(n.core_count);
  out->set_target_min(n.target_min);
  out->set_target_max(n.target_max);
  for (auto c : n.categories_covered) {
    out->add_categories_covered(static_cast<v1::NetworkCategory>(c));
  }
  for (auto c : n.categories_missing) {
    out->add_categories_missing(static_cast<v1::NetworkCategory>(c));
  }
  for (const outreach::CoreContact& c : n.gone_quiet) {
    v1::CoreContact* g = out->add_gone_quiet();
    g->set_contact_id(c.contact_id);
    g->set_category(static_cast<v1::NetworkCategory>(c.category));
    g->set_seniority(static_cast<v1::Seniority>(c.seniority));
    ToProtoTime(c.last_exchange_time, g->mutable_last_exchange_time());
  }
}

void ToProto(const outreach::TeamComparison& c, v1::TeamComparison* out) {
  if (c.team_pooled_reply_rate) {
    out->set_team_pooled_reply_rate(*c.team_pooled_reply_rate);
  }
  if (c.team_median_reply_rate) {
    out->set_team_median_reply_rate(*c.team_median_reply_rate);
  }
  if (c.reply_rate_percentile) {
    out->set_reply_rate_percentile(*c.reply_rate_percentile);
  }
  out->set_withheld(c.withheld);
  out->set_withheld_reason(c.withheld_reason);
}

namespace {

// The sections a member's report and a team's report share.
template <typename Report>
void SharedSections(const Report& r,
                    v1::GetOutreachEffectivenessResponse* out) {
  ToProto(r.current, out->mutable_current());
  ToProto(r.previous, out->mutable_previous());
  for (const auto& t : r.unanswered) ToProto(t, out->add_unanswered());
  out->set_unanswered_count(r.unanswered_count);
  for (const auto& b : r.by_channel) ToProto(b, out->add_by_channel());
  for (const auto& b : r.by_seniority) ToProto(b, out->add_by_seniority());
  ToProto(r.reciprocity, out->mutable_reciprocity());
}

}  // namespace

void ToProto(const outreach::OutreachReport& r,
             v1::GetOutreachEffectivenessResponse* out) {
  SharedSections(r, out);
  ToProto(r.follow_ups, out->mutable_follow_ups());
  ToProto(r.ideal_network, out->mutable_ideal_network());
}

void ToProto(const outreach::TeamReport& r,
             v1::GetOutreachEffectivenessResponse* out) {
  SharedSections(r, out);
  out->mutable_follow_ups()->set_note(
      "follow-up rates are reported per member");
}

}  // namespace rapport::api
