// NextActions: a member's recommendations, from one read of the member's
// aggregates and the team's pooled 30-day reply rate on the ScoreBoard.
//
// A member's current recommendations (asked for without an as_of) are kept
// once computed and served again, as of the instant they were computed at,
// for up to NextActionsOptions::reuse_for: until then a call costs a
// lookup and a look at the team's reply rate on the current board. A
// change to the member (events, profile, deletion) drops them at once, and
// so do a new UTC day and a change of the team's reply rate: what is served
// is what a computation at their instant gives now.
//
// Thread-safe. Does not own its dependencies.
#ifndef RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_
#define RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/board/score_board.h"
#include "server/recommend/recommend.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::core {

struct NextActionsOptions {
  // The team's reply rate is used (and shown) only for teams of at least
  // this many members; smaller teams are compared with the model's prior.
  int min_group_size = 5;
  // How long a member's current recommendations are served again once
  // computed (within their UTC day, and until the member changes); zero
  // computes them on every call.
  absl::Duration reuse_for = absl::Seconds(10);
  // The most members whose recommendations are kept (each a few kB); the
  // least recently read are dropped first, and so are those no longer
  // fresh when a result is kept.
  size_t max_kept = 5000;
};

class NextActions final : public store::MemberChangeListener {
 public:
  NextActions(store::Store* store, board::ScoreBoard* boards,
              NextActionsOptions options);

  // The member's best `max_results` actions as of `as_of`; without one, as
  // of `now` or of an instant at most options.reuse_for before it
  // (Recommendations::as_of says which). NOT_FOUND for an unknown member.
  absl::StatusOr<recommend::Recommendations> For(
      const store::TenantId& tenant, const std::string& member_id,
      std::optional<absl::Time> as_of, absl::Time now, int max_results) const;

  // The pooled reply rate of the member's team over the current board's 30
  // days (board::PooledOutreach, kept with the board's team), or absent for a
  // team under min_group_size and for a past as_of (past days' boards keep no
  // reply counts).
  absl::StatusOr<std::optional<double>> TeamReplyRate(
      const store::TenantId& tenant, const std::string& team,
      std::optional<absl::Time> as_of) const;

  // Drops the kept recommendations of the members changed.
  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override;

 private:
  using Key = std::pair<store::TenantId, std::string>;
  // A result with what it depends on beyond the member's own data.
  struct Kept {
    // Computed with this many results at most: a prefix of them answers a
    // call asking for fewer (the list is sorted before it is cut).
    int max_results = 0;
    std::shared_ptr<const recommend::Recommendations> result;
    std::string team;                 // The member's.
    std::optional<double> team_rate;  // TeamReplyRate() of it.
    std::list<Key>::iterator use;     // In uses_.
  };

  // The member's recommendations; `kept` (when not null) gets the team and
  // its reply rate they were computed with.
  absl::StatusOr<recommend::Recommendations> Compute(
      const store::TenantId& tenant, const std::string& member_id,
      std::optional<absl::Time> as_of, absl::Time end, int max_results,
      Kept* kept) const;
  // The kept result that answers the call, or null.
  std::shared_ptr<const recommend::Recommendations> Find(const Key& key,
                                                         absl::Time now,
                                                         int max_results) const;
  // Keeps `kept` unless the member changed since `generation` was read.
  void Keep(const Key& key, uint64_t generation, Kept kept) const;
  // The change counter of the members sharing the key's slot.
  uint64_t& Generation(const Key& key) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store* const store_;
  board::ScoreBoard* const boards_;
  const NextActionsOptions options_;

  mutable absl::Mutex mu_;
  mutable std::map<Key, Kept> kept_ ABSL_GUARDED_BY(mu_);
  // Keys, the most recently read first.
  mutable std::list<Key> uses_ ABSL_GUARDED_BY(mu_);
  // Changes seen per slot of member keys: a result computed while its
  // member changed is not kept (a fixed number of slots, so that nothing
  // grows with the members changed).
  mutable std::array<uint64_t, 1024> generations_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace rapport::core

#endif  // RAPPORT_SERVER_CORE_RECOMMENDATIONS_H_
