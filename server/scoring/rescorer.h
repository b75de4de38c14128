// Rescorer: many scores, figures only, of variants of one member's data at
// one instant (a recommendation's counterfactuals: the member's aggregates
// with a few threads, contacts and daily counts changed or added). Each is
// equal bit for bit to Score()'s figures, at the cost of what changed: the
// window's weights, the buckets' ages and what every unchanged thread and
// contact adds are derived once, from the base. Pure, like Score().
#ifndef RAPPORT_SERVER_SCORING_RESCORER_H_
#define RAPPORT_SERVER_SCORING_RESCORER_H_

#include <cstddef>
#include <vector>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/member.h"
#include "server/scoring/activity_sums.h"
#include "server/scoring/event_totals.h"
#include "server/scoring/model.h"
#include "server/scoring/recency.h"
#include "server/scoring/score.h"

namespace rapport::scoring {

// Thread-compatible: const methods may run concurrently. `model` must
// outlive the Rescorer; `base` need not.
class Rescorer {
 public:
  Rescorer(const ScoringModel& model, absl::Time as_of,
           const model::MemberActivity& base);

  // How a variant differs from the base. The variant's threads (contacts)
  // are the base's, in the same order, each equal to the base's except
  // those listed (ascending indices), then any new ones; its daily buckets
  // are the base's, on the same days in the same order (counts may differ),
  // then any new ones.
  struct Changes {
    std::vector<size_t> threads;
    std::vector<size_t> contacts;
    // The base's buckets whose counts may differ.
    std::vector<size_t> buckets;
  };

  // Score(model, profile, activity, as_of) with every figure equal bit for
  // bit (points, raw values, pillar scores, total) but no explanation
  // text, for any activity.
  ScoreResult Figures(const model::Profile& profile,
                      const model::MemberActivity& activity) const;
  // The same for a variant of the base described by `changes`; what is
  // unchanged is not derived again. A variant with fewer threads, contacts
  // or buckets than the base is scored in full.
  ScoreResult Figures(const model::Profile& profile,
                      const model::MemberActivity& variant,
                      const Changes& changes) const;

 private:
  const ScoringModel& model_;
  const internal::Recency recency_;
  std::vector<int> bucket_ages_;  // Of the base's buckets, -1 outside.
  // The base's event totals, and its buckets' indices by event type.
  internal::EventTotals events_;
  std::vector<std::vector<size_t>> buckets_by_type_;
  std::vector<internal::ContactTerms> contact_terms_;
  std::vector<internal::ThreadTerms> thread_terms_;
  // prefix[i]: the sums over the base's first i contacts (threads).
  std::vector<internal::ContactSums> contact_prefix_;
  std::vector<internal::ThreadSums> thread_prefix_;
};

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_RESCORER_H_
