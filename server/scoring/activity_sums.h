// What each contact and thread adds to the components that loop over them
// (decision_maker_reach and acceptance_rate; two_way_relationships,
// reply_rate, reciprocity and follow_ups_answered), and their sums in the
// activity's order. The one definition of those per-item rules: the pillars
// read the sums, and Rescorer keeps them per item to re-sum a variant
// without re-deriving unchanged items. Internal to scoring.
#ifndef RAPPORT_SERVER_SCORING_ACTIVITY_SUMS_H_
#define RAPPORT_SERVER_SCORING_ACTIVITY_SUMS_H_

#include <cstdint>

#include "server/model/activity.h"
#include "server/scoring/model.h"
#include "server/scoring/recency.h"

namespace rapport::scoring::internal {

struct ContactTerms {
  // decision_maker_reach: contacted in the window (by the latest request
  // or message), a decision maker, and the seniority-weighted term.
  bool reached = false;
  bool senior = false;
  double reach = 0;
  // acceptance_rate: a request sent in the window, accepted by as_of.
  bool requested = false;
  bool accepted = false;
  // two_way_relationships: messages both ways in the window, and the term
  // of the older of the two latest.
  bool exchanged = false;
  double two_way = 0;
};

struct ThreadTerms {
  // reply_rate: started by the member in the window, replied by as_of.
  bool started = false;
  bool replied = false;
  // reciprocity: started by the contact in the window, answered by as_of.
  bool received = false;
  bool answered = false;
  // follow_ups_answered: followed up before a reply in the window, and its
  // term by the reply's day.
  bool followed_up = false;
  double follow_up = 0;
};

ContactTerms TermsOf(const model::ContactState& c, const ScoringModel& model,
                     const Recency& recency);
ThreadTerms TermsOf(const model::ThreadState& t, const Recency& recency);

// Sums in the order items are added; a term counts only when its flag is
// set, exactly as the components' loops add it.
struct ContactSums {
  double reach = 0;
  int64_t people = 0;
  int64_t senior = 0;
  int64_t requested = 0;
  int64_t accepted = 0;
  double two_way = 0;
  int64_t exchanged = 0;

  void Add(const ContactTerms& t) {
    if (t.reached) {
      ++people;
      if (t.senior) ++senior;
      reach += t.reach;
    }
    if (t.requested) {
      ++requested;
      if (t.accepted) ++accepted;
    }
    if (t.exchanged) {
      ++exchanged;
      two_way += t.two_way;
    }
  }
};

struct ThreadSums {
  int64_t started = 0;
  int64_t replied = 0;
  int64_t received = 0;
  int64_t answered = 0;
  double follow_up = 0;
  int64_t followed_up = 0;

  void Add(const ThreadTerms& t) {
    if (t.started) {
      ++started;
      if (t.replied) ++replied;
    }
    if (t.received) {
      ++received;
      if (t.answered) ++answered;
    }
    if (t.followed_up) {
      ++followed_up;
      follow_up += t.follow_up;
    }
  }
};

struct ActivitySums {
  ContactSums contacts;
  ThreadSums threads;
};

// Over every contact and thread of `activity`, in order.
ActivitySums SumActivity(const model::MemberActivity& activity,
                         const ScoringModel& model, const Recency& recency);

}  // namespace rapport::scoring::internal

#endif  // RAPPORT_SERVER_SCORING_ACTIVITY_SUMS_H_
