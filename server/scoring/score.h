// Score(): a member's Social Selling Index, explained. Pure: the result
// depends only on the arguments (no clock, no I/O, no globals), so the same
// inputs always give the same score, bit for bit. Thread-safe.
#ifndef RAPPORT_SERVER_SCORING_SCORE_H_
#define RAPPORT_SERVER_SCORING_SCORE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"
#include "server/scoring/model.h"

namespace rapport::scoring {

// One component of a pillar; mirrors rapport.v1.ScoreComponent.
struct ComponentScore {
  std::string name;    // Stable id, e.g. "reply_rate".
  std::string signal;  // What is measured, in words.
  double raw_value = 0;
  double target = 0;
  double points = 0;  // max_points * Saturate(raw_value / target).
  double max_points = 0;
  std::string explanation;  // One line a rep understands.

  friend bool operator==(const ComponentScore&,
                         const ComponentScore&) = default;
};

// One pillar; mirrors rapport.v1.PillarScore. score is the sum of the
// components' points, in [0, 25].
struct PillarScore {
  model::Pillar pillar = model::Pillar::kUnspecified;
  double score = 0;
  std::vector<ComponentScore> components;

  friend bool operator==(const PillarScore&, const PillarScore&) = default;
};

// A member's score. total is the sum of the pillars, in [0, 100].
struct ScoreResult {
  double total = 0;
  // The four pillars in the order of model::Pillar: professional brand,
  // find the right people, engage with insights, build relationships.
  std::vector<PillarScore> pillars;
  std::string model_version;

  friend bool operator==(const ScoreResult&, const ScoreResult&) = default;
};

// The counts a score's explanations are written from, beside the figures
// of its components and the member's profile: enough to render every
// component's explanation again (Explain) without the activity. About 250
// bytes, against several kilobytes of text.
struct ScoreFacts {
  int window_days = 0;  // The window's length (the model's, clamped).
  // Plain numbers of events of each model::EventType in the window.
  std::array<int64_t, model::kMaxEventType + 1> event_counts{};
  int64_t contacts_reached = 0;         // decision_maker_reach: people.
  int64_t decision_makers_reached = 0;  // Of them, directors or above.
  int64_t requests_sent = 0;            // acceptance_rate: samples.
  int64_t requests_accepted = 0;        // acceptance_rate: successes.
  int64_t threads_started = 0;          // reply_rate: samples.
  int64_t threads_replied = 0;          // reply_rate: successes.
  int64_t two_way_contacts = 0;         // two_way_relationships.
  int64_t threads_received = 0;         // reciprocity: samples.
  int64_t threads_answered = 0;         // reciprocity: successes.
  int64_t follow_ups_answered = 0;      // follow_ups_answered.

  friend bool operator==(const ScoreFacts&, const ScoreFacts&) = default;
};

// Scores a member as of `as_of` under `model`, which must have passed
// ValidateModel() (otherwise the figures are meaningless, though finite).
//
// `activity` should hold the member's aggregates over the model's window
// ending at as_of (Store::ReadActivity); whatever it holds, only this counts:
// - daily buckets of the last model.window_days UTC days, as_of's day
//   included; later or earlier buckets are ignored;
// - thread and contact times in that same range of days and not after
//   as_of; later or earlier times are treated as absent.
// Activity aged a whole days (as_of's day minus the event's day) weighs
// 0.5^(a / half_life_days), normalised so that activity spread evenly over
// the window counts at face value. Rates (reply, acceptance, reciprocity)
// are not recency-weighted: every sample in the window counts once.
//
// An infinite as_of counts no activity: the score is the profile's alone.
ScoreResult Score(const ScoringModel& model, const model::Profile& profile,
                  const model::MemberActivity& activity, absl::Time as_of);

// Score() without the explanation text (every component's explanation is
// empty), recording in `facts` what the text is written from: for keeping
// many scores compactly and explaining one when it is shown.
ScoreResult ScoreFigures(const ScoringModel& model,
                         const model::Profile& profile,
                         const model::MemberActivity& activity,
                         absl::Time as_of, ScoreFacts* facts);

// Sets the explanation of every component of `score` that Score() explains,
// from `facts` and `profile` (those ScoreFigures recorded and read): the
// result equals Score()'s, byte for byte. Components of other names are
// left as they are.
void Explain(const ScoringModel& model, const model::Profile& profile,
             const ScoreFacts& facts, ScoreResult& score);

}  // namespace rapport::scoring

#endif  // RAPPORT_SERVER_SCORING_SCORE_H_
