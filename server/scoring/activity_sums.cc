#include "server/scoring/activity_sums.h"

#include <algorithm>

namespace rapport::scoring::internal {
namespace {

bool IsDecisionMaker(model::Seniority s) {
  return s == model::Seniority::kCSuite || s == model::Seniority::kVp ||
         s == model::Seniority::kDirector;
}

}  // namespace

ContactTerms TermsOf(const model::ContactState& c, const ScoringModel& model,
                     const Recency& recency) {
  ContactTerms terms;
  // Distinct people, so that writing ten times to one person reaches one:
  // each counts once at most, by the latest request or message.
  const int out_age = recency.AgeOf(c.last_outbound_time);
  const int request_age = recency.AgeOf(c.connection_requested_time);
  const int age = out_age < 0       ? request_age
                  : request_age < 0 ? out_age
                                    : std::min(out_age, request_age);
  if (age >= 0) {
    terms.reached = true;
    terms.senior = IsDecisionMaker(c.seniority);
    terms.reach =
        model.find_right_people.decision_maker_reach.weights.Of(c.seniority) *
        recency.CappedWeight(age);
  }
  // Requests sent in the window; accepted when the acceptance is not after
  // as_of.
  if (request_age >= 0) {
    terms.requested = true;
    terms.accepted = recency.AtOrBeforeAsOf(c.connection_accepted_time);
  }
  // Both ways in the window; by the older of the two latest messages.
  const int in_age = recency.AgeOf(c.last_inbound_time);
  if (out_age >= 0 && in_age >= 0) {
    terms.exchanged = true;
    terms.two_way = recency.CappedWeight(std::max(out_age, in_age));
  }
  return terms;
}

ThreadTerms TermsOf(const model::ThreadState& t, const Recency& recency) {
  ThreadTerms terms;
  const bool member_started = t.member_started();
  // Started by the member in the window; answered when the contact's first
  // reply is not after as_of.
  if (member_started && recency.AgeOf(t.first_outbound_time) >= 0) {
    terms.started = true;
    terms.replied = recency.AtOrBeforeAsOf(t.first_reply_time);
  }
  // Started by the contact in the window; answered when the member's first
  // answer is not after as_of.
  if (!member_started && recency.AgeOf(t.first_inbound_time) >= 0) {
    terms.received = true;
    terms.answered = recency.AtOrBeforeAsOf(t.first_answer_time);
  }
  // Followed up before the reply came, by the reply's day.
  if (member_started && t.follow_ups_before_reply > 0) {
    const int age = recency.AgeOf(t.first_reply_time);
    if (age >= 0) {
      terms.followed_up = true;
      terms.follow_up = recency.CappedWeight(age);
    }
  }
  return terms;
}

ActivitySums SumActivity(const model::MemberActivity& activity,
                         const ScoringModel& model, const Recency& recency) {
  ActivitySums sums;
  for (const model::ContactState& c : activity.contacts) {
    sums.contacts.Add(TermsOf(c, model, recency));
  }
  for (const model::ThreadState& t : activity.threads) {
    sums.threads.Add(TermsOf(t, recency));
  }
  return sums;
}

}  // namespace rapport::scoring::internal
