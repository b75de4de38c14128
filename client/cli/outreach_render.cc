#include "client/cli/outreach_render.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/names.h"

namespace rapport::cli {
namespace {

using rapport::v1::OutreachStats;

std::optional<double> Rate(bool has, double value) {
  return has ? std::optional<double>(value) : std::nullopt;
}

std::string Stats(const OutreachStats& now, const OutreachStats& before) {
  Table t({{"  FIGURE"}, {"NOW", true}, {"PREVIOUS", true}});
  auto count = [&](const char* name, int64_t a, int64_t b) {
    t.AddRow({absl::StrCat("  ", name), FormatCount(a), FormatCount(b)});
  };
  count("messages sent", now.messages_sent(), before.messages_sent());
  count("connection requests", now.connection_requests_sent(),
        before.connection_requests_sent());
  count("follow-ups", now.follow_ups_sent(), before.follow_ups_sent());
  count("contacts reached", now.contacts_reached(), before.contacts_reached());
  count("threads started", now.threads_started(), before.threads_started());
  count("threads answered", now.threads_answered(), before.threads_answered());
  t.AddRow({"  reply rate",
            FormatRate(Rate(now.has_reply_rate(), now.reply_rate())),
            FormatRate(Rate(before.has_reply_rate(), before.reply_rate()))});
  count("connections accepted", now.connections_accepted(),
        before.connections_accepted());
  t.AddRow({"  acceptance rate",
            FormatRate(Rate(now.has_acceptance_rate(), now.acceptance_rate())),
            FormatRate(
                Rate(before.has_acceptance_rate(), before.acceptance_rate()))});
  t.AddRow({"  median time to reply",
            FormatDuration(now.median_time_to_reply()),
            FormatDuration(before.median_time_to_reply())});
  t.AddRow({"  p90 time to reply", FormatDuration(now.p90_time_to_reply()),
            FormatDuration(before.p90_time_to_reply())});
  count("meetings booked", now.meetings_booked(), before.meetings_booked());
  return t.Render();
}

std::string Breakdown(
    const char* title,
    const google::protobuf::RepeatedPtrField<rapport::v1::OutreachBreakdown>&
        rows,
    bool by_channel) {
  if (rows.empty()) return "";
  Table t({{by_channel ? "  CHANNEL" : "  SENIORITY"},
           {"SENT", true},
           {"THREADS", true},
           {"ANSWERED", true},
           {"REPLY", true},
           {"REQUESTS", true},
           {"ACCEPTED", true}});
  for (const auto& row : rows) {
    const OutreachStats& s = row.stats();
    t.AddRow({"  " + (by_channel ? ChannelName(row.channel())
                                 : SeniorityName(row.seniority())),
              FormatCount(s.messages_sent()), FormatCount(s.threads_started()),
              FormatCount(s.threads_answered()),
              FormatRate(Rate(s.has_reply_rate(), s.reply_rate())),
              FormatCount(s.connection_requests_sent()),
              FormatRate(Rate(s.has_acceptance_rate(), s.acceptance_rate()))});
  }
  return absl::StrCat(title, "\n", t.Render());
}

std::string Unanswered(const rapport::v1::GetOutreachEffectivenessResponse& r) {
  std::string out =
      absl::StrCat("unanswered threads: ", FormatCount(r.unanswered_count()));
  if (r.unanswered_size() < r.unanswered_count()) {
    absl::StrAppend(&out, " (oldest ", r.unanswered_size(), " shown)");
  }
  absl::StrAppend(&out, "\n");
  if (r.unanswered().empty()) return out;
  Table t({{"  THREAD"},
           {"CONTACT"},
           {"MEMBER"},
           {"CHANNEL"},
           {"SENIORITY"},
           {"LAST SENT"},
           {"FOLLOW-UPS", true}});
  for (const auto& u : r.unanswered()) {
    t.AddRow({"  " + u.thread_id(), u.contact_id(),
              u.member_id().empty() ? "-" : u.member_id(),
              ChannelName(u.channel()), SeniorityName(u.seniority()),
              FormatTimestamp(u.last_sent_time()),
              absl::StrCat(u.follow_up_count())});
  }
  return out + t.Render();
}

std::string Network(const rapport::v1::IdealNetwork& n) {
  auto names = [](const auto& categories) {
    std::vector<std::string> out;
    for (int c : categories) {
      out.push_back(CategoryName(static_cast<rapport::v1::NetworkCategory>(c)));
    }
    return out.empty() ? std::string("-") : absl::StrJoin(out, ", ");
  };
  std::string out = absl::StrFormat(
      "core network: %d relationships (ideal %d-%d)\n  covers:  %s\n"
      "  missing: %s\n",
      n.core_count(), n.target_min(), n.target_max(),
      names(n.categories_covered()), names(n.categories_missing()));
  if (n.gone_quiet().empty()) return out;
  Table t({{"  GONE QUIET"}, {"CATEGORY"}, {"SENIORITY"}, {"LAST EXCHANGE"}});
  for (const auto& c : n.gone_quiet()) {
    t.AddRow({"  " + c.contact_id(), CategoryName(c.category()),
              SeniorityName(c.seniority()),
              FormatTimestamp(c.last_exchange_time())});
  }
  return out + t.Render();
}

}  // namespace

std::string RenderOutreach(
    const std::string& scope,
    const rapport::v1::GetOutreachEffectivenessResponse& r) {
  std::string out = absl::StrCat(
      "outreach of ", scope, ", ", FormatDate(r.window_start_time()), " .. ",
      FormatDate(r.window_end_time()), "\n", Stats(r.current(), r.previous()),
      "\n", Unanswered(r));
  const rapport::v1::FollowUpStats& f = r.follow_ups();
  absl::StrAppend(
      &out, "\nfollow-ups: ",
      FormatRate(Rate(f.has_followed_up_share(), f.followed_up_share())),
      " of unanswered threads followed up; reply rate ",
      FormatRate(Rate(f.has_reply_rate_with_follow_up(),
                      f.reply_rate_with_follow_up())),
      " with (", f.threads_with_follow_up(), " threads), ",
      FormatRate(Rate(f.has_reply_rate_without_follow_up(),
                      f.reply_rate_without_follow_up())),
      " without (", f.threads_without_follow_up(), ")\n");
  if (!f.note().empty()) absl::StrAppend(&out, "  ", f.note(), "\n");
  absl::StrAppend(&out, "\n", Breakdown("by channel:", r.by_channel(), true),
                  Breakdown("by seniority:", r.by_seniority(), false));
  const rapport::v1::TeamComparison& tc = r.team_comparison();
  if (tc.withheld()) {
    absl::StrAppend(&out, "\nteam comparison: withheld (", tc.withheld_reason(),
                    ")\n");
  } else if (tc.has_team_median_reply_rate()) {
    absl::StrAppend(&out, "\nteam reply rate ",
                    tc.has_team_pooled_reply_rate()
                        ? FormatRate(tc.team_pooled_reply_rate())
                        : std::string("-"),
                    " (pooled), median of members ",
                    FormatRate(tc.team_median_reply_rate()),
                    tc.has_reply_rate_percentile()
                        ? absl::StrFormat(", this member at percentile %.0f",
                                          tc.reply_rate_percentile())
                        : "",
                    "\n");
  }
  const rapport::v1::Reciprocity& rc = r.reciprocity();
  if (rc.inbound_threads() > 0) {
    absl::StrAppend(
        &out, "\nreciprocity: answered ", rc.inbound_answered(), " of ",
        rc.inbound_threads(), " threads others started (",
        FormatRate(Rate(rc.has_answered_share(), rc.answered_share())),
        "), median time to answer ", FormatDuration(rc.median_time_to_answer()),
        "\n");
  }
  if (r.has_ideal_network()) {
    absl::StrAppend(&out, "\n", Network(r.ideal_network()));
  }
  return out;
}

}  // namespace rapport::cli
