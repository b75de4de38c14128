#include "server/recommend/recommend.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/recommend/candidates.h"
#include "server/recommend/outcomes.h"
#include "server/scoring/rescorer.h"
#include "server/scoring/score.h"

namespace rapport::recommend {
namespace {

using internal::Candidate;
using internal::Context;

constexpr Candidate (*kCandidates[])(const Context&) = {
    internal::AddPhoto,
    internal::AddCertifications,
    internal::AddVolunteerOrBoardRole,
    internal::DescribePositions,
    internal::AddEducation,
    internal::ExchangeRecommendations,
    internal::Publish,
    internal::ShareAndComment,
    internal::JoinGroupDiscussion,
    internal::ConnectDecisionMakers,
    internal::FollowUpThreads,
    internal::FollowUpEventContacts,
    internal::Reconnect,
    internal::FillNetworkCategories,
    internal::ShapeCoreNetwork,
    internal::SlowDownOutreach,
};

// The first day of the model's window, at midnight UTC.
absl::Time WindowStart(const scoring::ScoringModel& model, absl::Time as_of) {
  const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
  return absl::FromCivil(day - (std::max(model.window_days, 1) - 1),
                         absl::UTCTimeZone());
}

bool Within(const std::optional<absl::Time>& t, absl::Time from,
            absl::Time to) {
  return t.has_value() && *t >= from && *t <= to;
}

// The rate the model scored, or its prior when there was no sample.
double RateOrPrior(const scoring::ScoreResult& now, const char* component,
                   const scoring::RateComponentModel& m, bool any_sample) {
  if (!any_sample) return m.prior_rate;
  const scoring::ComponentScore* c = internal::ComponentOf(now, component);
  return c == nullptr ? m.prior_rate : c->raw_value;
}

Context MakeContext(const scoring::ScoringModel& model,
                    const model::Profile& profile,
                    const model::MemberActivity& activity, absl::Time as_of,
                    const RecommendOptions& options,
                    const scoring::ScoreResult& now) {
  Context ctx{.model = model,
              .profile = profile,
              .activity = activity,
              .as_of = as_of,
              .options = options,
              .now = now,
              .reply_rate = 0,
              .acceptance_rate = 0,
              .follow_up_reply_rate = 0,
              .recent = {},
              .network = {}};
  const absl::Time start = WindowStart(model, as_of);
  bool started = false;
  for (const model::ThreadState& t : activity.threads) {
    if (t.member_started() && Within(t.first_outbound_time, start, as_of)) {
      started = true;
      break;
    }
  }
  bool asked = false;
  for (const model::ContactState& c : activity.contacts) {
    if (Within(c.connection_requested_time, start, as_of)) {
      asked = true;
      break;
    }
  }
  ctx.reply_rate = RateOrPrior(now, "reply_rate",
                               model.build_relationships.reply_rate, started);
  ctx.acceptance_rate = RateOrPrior(
      now, "acceptance_rate", model.find_right_people.acceptance_rate, asked);
  outreach::OutreachOptions o;
  o.max_unanswered = std::numeric_limits<int>::max();
  ctx.recent = outreach::Analyze(
      activity, {}, as_of - absl::Hours(24 * internal::kOutreachDays), as_of,
      o);
  ctx.follow_up_reply_rate =
      ctx.recent.follow_ups.reply_rate_with_follow_up.value_or(ctx.reply_rate);
  ctx.network = outreach::Analyze(activity, {}, start, as_of, o).ideal_network;
  return ctx;
}

// What applying an action without withdrawn threads may change in the
// member's aggregates (action.h): the action's threads and contacts, the
// daily buckets of as_of's day, and the sizes of the three lists. Saved
// before ApplyMemberPart() (or before ApplyAnswers()) so that the action is
// applied and undone in place instead of copying the member's whole
// activity.
class Undo {
 public:
  Undo(const Action& a, absl::Time as_of, const model::MemberActivity& activity)
      : threads_size_(activity.threads.size()),
        contacts_size_(activity.contacts.size()),
        daily_size_(activity.daily.size()) {
    std::set<std::string> thread_ids, contact_ids;
    for (const MessageEdit& m : a.messages) {
      thread_ids.insert(m.thread_id);
      contact_ids.insert(m.contact_id);
    }
    for (const ConnectionEdit& c : a.connections) {
      contact_ids.insert(c.contact_id);
    }
    if (!thread_ids.empty()) {
      for (size_t i = 0; i < activity.threads.size(); ++i) {
        const model::ThreadState& t = activity.threads[i];
        if (!thread_ids.contains(t.thread_id)) continue;
        threads_.emplace_back(i, t);
        contact_ids.insert(t.contact_id);
      }
    }
    if (!contact_ids.empty()) {
      for (size_t i = 0; i < activity.contacts.size(); ++i) {
        if (contact_ids.contains(activity.contacts[i].contact_id)) {
          contacts_.emplace_back(i, activity.contacts[i]);
        }
      }
    }
    const absl::CivilDay day = absl::ToCivilDay(as_of, absl::UTCTimeZone());
    for (size_t i = 0; i < activity.daily.size(); ++i) {
      if (activity.daily[i].day == day) {
        counts_.emplace_back(i, activity.daily[i].count);
      }
    }
  }

  // The indices saved, ascending: the entries of the activity it was made
  // from that the action may change (the rest may only be added).
  scoring::Rescorer::Changes Changed() const {
    scoring::Rescorer::Changes changes;
    for (const auto& [i, t] : threads_) changes.threads.push_back(i);
    for (const auto& [i, c] : contacts_) changes.contacts.push_back(i);
    for (const auto& [i, n] : counts_) changes.buckets.push_back(i);
    return changes;
  }

  void Restore(model::MemberActivity& activity) const {
    activity.threads.resize(threads_size_);
    activity.contacts.resize(contacts_size_);
    activity.daily.resize(daily_size_);
    for (const auto& [i, t] : threads_) activity.threads[i] = t;
    for (const auto& [i, c] : contacts_) activity.contacts[i] = c;
    for (const auto& [i, n] : counts_) activity.daily[i].count = n;
  }

 private:
  size_t threads_size_, contacts_size_, daily_size_;
  std::vector<std::pair<size_t, model::ThreadState>> threads_;
  std::vector<std::pair<size_t, model::ContactState>> contacts_;
  std::vector<std::pair<size_t, int64_t>> counts_;
};

// Sets the expected gain, the mean over the action's outcomes (outcomes.h)
// of the applied aggregates' score minus the current one, and the pillar
// whose expected gain is largest (the kind's own pillar, set by the
// candidate, when none gains).
//
// `scratch` holds the member's activity on entry and on return: the action
// is applied to it and undone, except for withdrawn threads (which remove
// entries), applied to a copy. Each outcome's score is the rescorer's
// figures, equal bit for bit to Score()'s; only the threads and contacts
// the action touches are derived again (`rescorer` was made from the
// member's activity).
void Measure(const Context& ctx, const scoring::Rescorer& rescorer,
             model::MemberActivity& scratch, Recommendation& r) {
  const Action& a = r.action;
  const bool profile_only =
      a.events.empty() && a.messages.empty() && a.connections.empty() &&
      a.withdrawn_threads.empty() && a.expected_events.empty();
  const std::vector<internal::WeightedOutcome> outcomes = internal::Outcomes(a);
  model::Profile profile = ctx.profile;
  std::optional<model::MemberActivity> copy;
  std::optional<Undo> member_part;
  model::MemberActivity* applied = &scratch;
  if (profile_only) {
    model::MemberActivity none;
    ApplyMemberPart(a, ctx.as_of, profile, none);
  } else {
    if (a.withdrawn_threads.empty()) {
      member_part.emplace(a, ctx.as_of, scratch);
    } else {
      copy = ctx.activity;
      applied = &*copy;
    }
    ApplyMemberPart(a, ctx.as_of, profile, *applied);
  }
  std::optional<Undo> answers;
  if (!profile_only && outcomes.size() > 1) {
    answers.emplace(a, ctx.as_of, *applied);
  }
  // What differs from the member's activity: nothing, the action's threads
  // and contacts, or (withdrawn threads) anything.
  const std::optional<scoring::Rescorer::Changes> changes =
      profile_only  ? std::optional(scoring::Rescorer::Changes{})
      : member_part ? std::optional(member_part->Changed())
                    : std::nullopt;
  const size_t pillars = ctx.now.pillars.size();
  std::vector<double> pillar_gain(pillars, 0.0);
  double gain = 0;
  for (const internal::WeightedOutcome& w : outcomes) {
    if (!profile_only) ApplyAnswers(a, w.outcome, ctx.as_of, *applied);
    const scoring::ScoreResult after =
        changes ? rescorer.Figures(profile, *applied, *changes)
                : rescorer.Figures(profile, *applied);
    if (answers) answers->Restore(*applied);
    gain += w.probability * (after.total - ctx.now.total);
    for (size_t i = 0; i < pillars && i < after.pillars.size(); ++i) {
      pillar_gain[i] +=
          w.probability * (after.pillars[i].score - ctx.now.pillars[i].score);
    }
  }
  if (member_part) member_part->Restore(scratch);
  r.expected_gain = gain;
  double best = 0;
  for (size_t i = 0; i < pillars; ++i) {
    if (pillar_gain[i] > best) {
      best = pillar_gain[i];
      r.pillar = ctx.now.pillars[i].pillar;
    }
  }
}

std::pair<std::string, std::string> KeyOf(const Recommendation& r) {
  if (r.targets.empty()) return {};
  return {r.targets.front().contact_id, r.targets.front().thread_id};
}

}  // namespace

bool IsUrgentKind(Kind kind) {
  return kind == Kind::kFollowUpThreads ||
         kind == Kind::kFollowUpEventContacts || kind == Kind::kReconnect;
}

namespace internal {

Recommendations RecommendWith(const scoring::ScoringModel& model,
                              const model::Profile& profile,
                              const model::MemberActivity& activity,
                              absl::Time as_of, const RecommendOptions& options,
                              MeasureFn measure) {
  Recommendations out;
  out.as_of = as_of;
  const scoring::ScoreResult now =
      scoring::Score(model, profile, activity, as_of);
  out.current_total = now.total;
  out.model_version = now.model_version;
  const Context ctx =
      MakeContext(model, profile, activity, as_of, options, now);
  for (const auto& candidate : kCandidates) {
    Candidate r = candidate(ctx);
    if (!r.has_value()) continue;
    measure(ctx, *r);
    // Never an expected loss, urgent or not.
    if (!(r->expected_gain >= 0)) continue;
    if (!IsUrgentKind(r->kind) && !(r->expected_gain > options.min_gain)) {
      continue;
    }
    out.recommendations.push_back(*std::move(r));
  }
  std::sort(out.recommendations.begin(), out.recommendations.end(),
            [](const Recommendation& a, const Recommendation& b) {
              if (a.expected_gain != b.expected_gain) {
                return a.expected_gain > b.expected_gain;
              }
              if (a.kind != b.kind) return a.kind < b.kind;
              if (KeyOf(a) != KeyOf(b)) return KeyOf(a) < KeyOf(b);
              return a.title < b.title;
            });
  const size_t cap = static_cast<size_t>(std::max(options.max_results, 0));
  if (out.recommendations.size() > cap) out.recommendations.resize(cap);
  return out;
}

}  // namespace internal

Recommendations Recommend(const scoring::ScoringModel& model,
                          const model::Profile& profile,
                          const model::MemberActivity& activity,
                          absl::Time as_of, const RecommendOptions& options) {
  const scoring::Rescorer rescorer(model, as_of, activity);
  // Every candidate is applied to this one copy and undone.
  model::MemberActivity scratch = activity;
  return internal::RecommendWith(model, profile, activity, as_of, options,
                                 [&](const Context& ctx, Recommendation& r) {
                                   Measure(ctx, rescorer, scratch, r);
                                 });
}

}  // namespace rapport::recommend
