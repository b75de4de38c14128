// Outreach: connection requests to decision makers, follow-ups of unanswered
// threads and of people met at events, and slowing down spray outreach.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/recommend/candidates.h"

namespace rapport::recommend::internal {
namespace {

using model::Seniority;

constexpr int kConnectionRequests = 5;
constexpr int kFollowUps = 5;
constexpr int kMaxFollowUpsPerThread = 2;
constexpr int kEventFollowUps = 5;
constexpr int kEventLookbackDays = 14;
constexpr int kEventWindowDays = 2;  // Follow up a day or two after.
constexpr int kMinSprayThreads = 20;
constexpr double kSprayRatio = 0.5;  // "Far below": under half the reference.

// C-suite first, unknown last.
int SeniorityRank(Seniority s) {
  return s == Seniority::kUnknown ? model::kMaxSeniority + 1
                                  : static_cast<int>(s);
}

bool IsDecisionMaker(Seniority s) {
  return s == Seniority::kCSuite || s == Seniority::kVp ||
         s == Seniority::kDirector;
}

void ExpectAnswers(std::vector<MessageEdit>& messages, double rate) {
  for (MessageEdit& m : messages) m.answer_probability = rate;
}

std::string Expecting(int n, double rate, absl::string_view rate_name) {
  return absl::StrCat("; at your ", rate_name, " of ", Pct(rate), ", expect ",
                      Approx(n * rate), " answers on average");
}

}  // namespace

Candidate ConnectDecisionMakers(const Context& ctx) {
  if (IsFull(ctx.now, "decision_maker_reach")) return std::nullopt;
  std::vector<const model::ContactState*> known;
  for (const model::ContactState& c : ctx.activity.contacts) {
    if (IsDecisionMaker(c.seniority) && !c.connection_requested_time &&
        !c.connection_accepted_time && !c.last_outbound_time) {
      known.push_back(&c);
    }
  }
  std::sort(known.begin(), known.end(), [](const auto* a, const auto* b) {
    return std::tie(a->seniority, a->contact_id) <
           std::tie(b->seniority, b->contact_id);
  });
  if (known.size() > kConnectionRequests) known.resize(kConnectionRequests);
  Recommendation r;
  r.kind = Kind::kConnectDecisionMakers;
  r.pillar = model::Pillar::kFindRightPeople;
  r.title = absl::StrCat("Ask ", kConnectionRequests,
                         " decision makers in your accounts to connect");
  const scoring::ComponentScore* reach =
      ComponentOf(ctx.now, "decision_maker_reach");
  r.rationale = reach != nullptr ? reach->explanation : "";
  if (!known.empty()) {
    absl::StrAppend(&r.rationale, "; ",
                    Count(static_cast<int64_t>(known.size()),
                          "decision maker you know of has",
                          "decision makers you know of have"),
                    " never been asked");
  }
  absl::StrAppend(&r.rationale, "; at your acceptance rate of ",
                  Pct(ctx.acceptance_rate), ", expect ",
                  Approx(kConnectionRequests * ctx.acceptance_rate),
                  " acceptances on average");
  for (int i = 0; i < kConnectionRequests; ++i) {
    ConnectionEdit e;
    if (i < static_cast<int>(known.size())) {
      e.contact_id = known[i]->contact_id;
      e.seniority = known[i]->seniority;
      r.targets.push_back(ForContact(e.contact_id));
    } else {
      // Someone new in the member's accounts, at the least senior
      // decision-making level.
      e.contact_id = absl::StrCat("new-decision-maker-", i + 1);
      e.seniority = Seniority::kDirector;
    }
    e.acceptance_probability = ctx.acceptance_rate;
    r.action.connections.push_back(std::move(e));
  }
  return r;
}

Candidate FollowUpThreads(const Context& ctx) {
  std::vector<const outreach::UnansweredThread*> open;
  for (const outreach::UnansweredThread& t : ctx.recent.unanswered) {
    if (t.follow_up_count < kMaxFollowUpsPerThread) open.push_back(&t);
  }
  if (open.empty()) return std::nullopt;
  int senior = 0;
  for (const auto* t : open) senior += IsDecisionMaker(t->seniority) ? 1 : 0;
  std::sort(open.begin(), open.end(), [](const auto* a, const auto* b) {
    return std::tuple(SeniorityRank(a->seniority), a->last_sent_time,
                      a->thread_id) < std::tuple(SeniorityRank(b->seniority),
                                                 b->last_sent_time,
                                                 b->thread_id);
  });
  const int n = std::min<int>(kFollowUps, static_cast<int>(open.size()));
  Recommendation r;
  r.kind = Kind::kFollowUpThreads;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title = n == 1 ? "Follow up this unanswered thread"
                   : absl::StrCat("Follow up these ", n, " unanswered threads");
  r.rationale = absl::StrCat(
      open.size(), " of your ",
      Count(ctx.recent.current.threads_started, "thread", "threads"),
      " started in the last ", kOutreachDays, " days ",
      open.size() == 1 ? "has" : "have", " had no reply for 5 days or more",
      senior > 0 ? absl::StrCat(", ", senior, " of them to directors and above")
                 : "",
      Expecting(n, ctx.follow_up_reply_rate,
                ctx.follow_up_reply_rate == ctx.reply_rate
                    ? "reply rate"
                    : "reply rate after a follow-up"));
  for (int i = 0; i < n; ++i) {
    MessageEdit m;
    m.thread_id = open[i]->thread_id;
    m.contact_id = open[i]->contact_id;
    m.channel = open[i]->channel;
    m.seniority = open[i]->seniority;
    m.follow_up = true;
    r.action.messages.push_back(std::move(m));
    r.targets.push_back(ForThread(open[i]->contact_id, open[i]->thread_id));
  }
  ExpectAnswers(r.action.messages, ctx.follow_up_reply_rate);
  return r;
}

Candidate FollowUpEventContacts(const Context& ctx) {
  std::vector<const model::ContactState*> met;
  for (const model::ContactState& c : ctx.activity.contacts) {
    if (!c.met_at_event_time || *c.met_at_event_time > ctx.as_of ||
        ctx.as_of - *c.met_at_event_time >
            absl::Hours(24 * kEventLookbackDays)) {
      continue;
    }
    if (c.followed_up_after_event_time &&
        *c.followed_up_after_event_time >= *c.met_at_event_time &&
        *c.followed_up_after_event_time <= ctx.as_of) {
      continue;  // Already followed up.
    }
    met.push_back(&c);
  }
  if (met.empty()) return std::nullopt;
  std::sort(met.begin(), met.end(), [](const auto* a, const auto* b) {
    return std::tie(*a->met_at_event_time, a->contact_id) <
           std::tie(*b->met_at_event_time, b->contact_id);
  });
  const absl::Duration window = absl::Hours(24 * kEventWindowDays);
  int open = 0;
  for (const auto* c : met) open += *c->met_at_event_time + window >= ctx.as_of;
  const int n = std::min<int>(kEventFollowUps, static_cast<int>(met.size()));
  Recommendation r;
  r.kind = Kind::kFollowUpEventContacts;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title = n == 1
                ? "Write to the person you met at an event"
                : absl::StrCat("Write to the ", n, " people you met at events");
  r.rationale = absl::StrCat(
      "You met ", Count(static_cast<int64_t>(met.size()), "person", "people"),
      " at events in the last ", kEventLookbackDays,
      " days and have not written since; a follow-up is due a day or two "
      "after meeting: ",
      open == 0 ? "every window has passed"
                : absl::StrCat(open, " still open, ",
                               static_cast<int>(met.size()) - open, " passed"),
      Expecting(n, ctx.reply_rate, "reply rate"));
  for (int i = 0; i < n; ++i) {
    const model::ContactState& c = *met[i];
    MessageEdit m;
    m.thread_id = absl::StrCat("event-follow-up:", c.contact_id);
    m.contact_id = c.contact_id;
    m.channel = model::Channel::kEmail;
    m.seniority = c.seniority;
    m.category = c.category;
    r.action.messages.push_back(std::move(m));
    r.targets.push_back(
        ForContact(c.contact_id, *c.met_at_event_time + window));
  }
  ExpectAnswers(r.action.messages, ctx.reply_rate);
  return r;
}

// Triggered by the last 30 days; the counterfactual is the model's whole
// window without half of its first messages, the unanswered ones to the
// least senior people: the score once sending fewer, better-targeted
// messages is the member's habit, with the same answers.
Candidate SlowDownOutreach(const Context& ctx) {
  const outreach::OutreachStats& s = ctx.recent.current;
  if (s.threads_started < kMinSprayThreads || !s.reply_rate) {
    return std::nullopt;
  }
  const bool team = ctx.options.team_reply_rate.has_value();
  const double reference =
      team ? *ctx.options.team_reply_rate
           : ctx.model.build_relationships.reply_rate.prior_rate;
  if (!(*s.reply_rate < kSprayRatio * reference)) return std::nullopt;
  const absl::CivilDay today = absl::ToCivilDay(ctx.as_of, absl::UTCTimeZone());
  const int days = std::max(ctx.model.window_days, 1);
  const absl::Time start =
      absl::FromCivil(today - (days - 1), absl::UTCTimeZone());
  std::vector<const model::ThreadState*> spray;
  int64_t started = 0;
  for (const model::ThreadState& t : ctx.activity.threads) {
    if (!t.member_started() || *t.first_outbound_time < start ||
        *t.first_outbound_time > ctx.as_of) {
      continue;
    }
    ++started;
    if (IsDecisionMaker(t.seniority) ||
        (t.first_reply_time && *t.first_reply_time <= ctx.as_of)) {
      continue;
    }
    spray.push_back(&t);
  }
  std::sort(spray.begin(), spray.end(), [](const auto* a, const auto* b) {
    return std::tuple(-SeniorityRank(a->seniority), *b->first_outbound_time,
                      a->thread_id) < std::tuple(-SeniorityRank(b->seniority),
                                                 *a->first_outbound_time,
                                                 b->thread_id);
  });
  const size_t fewer =
      std::min<size_t>(spray.size(), static_cast<size_t>(started / 2));
  if (fewer == 0) return std::nullopt;
  const int64_t per_month =
      std::max<int64_t>(1, static_cast<int64_t>(fewer) * kOutreachDays / days);
  Recommendation r;
  r.kind = Kind::kSlowDownOutreach;
  r.pillar = model::Pillar::kBuildRelationships;
  r.title = absl::StrCat("Send about ", per_month,
                         " fewer first messages a month, to better-targeted "
                         "people");
  r.rationale = absl::StrCat(
      s.threads_answered, " of your ",
      Count(s.threads_started, "thread", "threads"), " started in the last ",
      kOutreachDays, " days got a reply (", Pct(*s.reply_rate), "), against ",
      team ? "your team's " : "a typical ", Pct(reference),
      "; the gain is your score had the ", fewer,
      " unanswered ones to people "
      "below director in the last ",
      days, " days not been sent");
  for (size_t i = 0; i < fewer; ++i) {
    r.action.withdrawn_threads.push_back(spray[i]->thread_id);
  }
  return r;
}

}  // namespace rapport::recommend::internal
