// Action: what a recommendation asks the member to do, and what the member
// can expect of others in answer, as data; Outcome: one way those answers
// turn out; Apply(): the member's aggregates as the store would hold them had
// the member done it at `as_of` with that outcome. A recommendation's
// expected gain is the probability-weighted mean, over every outcome, of the
// applied aggregates re-scored under the same model and as_of, and anyone
// can compute it again (tests do) from the Action alone (see
// docs/recommendations.md). Pure; thread-safe.
#ifndef RAPPORT_SERVER_RECOMMEND_ACTION_H_
#define RAPPORT_SERVER_RECOMMEND_ACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"

namespace rapport::recommend {

// Counts added to the profile snapshot.
struct ProfileEdit {
  bool set_photo = false;
  int add_positions = 0;
  int add_described_positions = 0;
  int add_education = 0;
  int add_certifications = 0;
  int add_volunteer_roles = 0;
  int add_recommendations_given = 0;
  int add_recommendations_received = 0;

  friend bool operator==(const ProfileEdit&, const ProfileEdit&) = default;
};

// `count` events of a type that involves no conversation (a post, a share,
// a group answer, a recommendation...), on as_of's day: the member's doing,
// certain.
struct EventEdit {
  model::EventType type = model::EventType::kUnspecified;
  int count = 0;

  friend bool operator==(const EventEdit&, const EventEdit&) = default;
};

// Events others add in answer to the action (reactions, comments and shares
// on a post), as an expected count: the member's own rate times the
// action's size. Not whole, so it is an Outcome that says how many came.
struct ExpectedEventEdit {
  model::EventType type = model::EventType::kUnspecified;
  double expected = 0;  // >= 0.

  friend bool operator==(const ExpectedEventEdit&,
                         const ExpectedEventEdit&) = default;
};

// The member writes to a contact at as_of: a follow-up or a message in an
// existing thread, or the first message of a new one. The contact writes
// back at as_of with probability `answer_probability`, independently of the
// action's other messages (0: no answer is expected).
struct MessageEdit {
  std::string thread_id;  // Existing or new.
  std::string contact_id;
  // Used when the thread or the contact is new.
  model::Channel channel = model::Channel::kEmail;
  model::Seniority seniority = model::Seniority::kUnknown;
  model::NetworkCategory category = model::NetworkCategory::kUnspecified;
  bool follow_up = false;         // FOLLOW_UP_SENT rather than MESSAGE_SENT.
  double answer_probability = 0;  // In [0, 1].

  friend bool operator==(const MessageEdit&, const MessageEdit&) = default;
};

// The member asks a contact to connect at as_of; the contact accepts at
// as_of with probability `acceptance_probability`, independently of the
// action's other requests.
struct ConnectionEdit {
  std::string contact_id;
  model::Seniority seniority = model::Seniority::kUnknown;  // When new.
  double acceptance_probability = 0;                        // In [0, 1].

  friend bool operator==(const ConnectionEdit&,
                         const ConnectionEdit&) = default;
};

struct Action {
  ProfileEdit profile;
  std::vector<EventEdit> events;
  std::vector<MessageEdit> messages;
  std::vector<ConnectionEdit> connections;
  // Threads the member started and had better not have sent: removed, and
  // their contacts' last outbound time recomputed from the remaining
  // threads. The one edit of the past (slowing down outreach).
  std::vector<std::string> withdrawn_threads;
  // What others add in answer, expected counts.
  std::vector<ExpectedEventEdit> expected_events;

  friend bool operator==(const Action&, const Action&) = default;
};

// One way an Action turns out: which messages are answered, which
// connection requests accepted, how many of each expected event came.
// Entries are by index into the Action's vectors; a missing entry means not
// answered, not accepted, none came.
struct Outcome {
  std::vector<bool> answered;         // By messages index.
  std::vector<bool> accepted;         // By connections index.
  std::vector<int64_t> event_counts;  // By expected_events index; < 0 is 0.

  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Applies `action` with `outcome` at `as_of` to `profile` and `activity`,
// deriving what the store derives from the corresponding events (thread and
// contact states, daily buckets of as_of's UTC day): ApplyMemberPart(), then
// ApplyAnswers(). Answers, acceptances and expected events are dated as_of,
// after all of the member's part. Threads and contacts named but absent are
// created; a withdrawn thread that is absent is ignored. Probabilities and
// expected counts are not read: the outcome decides.
void Apply(const Action& action, const Outcome& outcome, absl::Time as_of,
           model::Profile& profile, model::MemberActivity& activity);

// The two halves of Apply(). ApplyAnswers() after ApplyMemberPart() of the
// same action at the same as_of changes only the action's threads and
// contacts (which the member's part created when absent) and appends to or
// adds to the daily buckets of as_of's day.
void ApplyMemberPart(const Action& action, absl::Time as_of,
                     model::Profile& profile, model::MemberActivity& activity);
void ApplyAnswers(const Action& action, const Outcome& outcome,
                  absl::Time as_of, model::MemberActivity& activity);

// The member's part alone: nobody answers, accepts or reacts.
inline void Apply(const Action& action, absl::Time as_of,
                  model::Profile& profile, model::MemberActivity& activity) {
  Apply(action, Outcome{}, as_of, profile, activity);
}

}  // namespace rapport::recommend

#endif  // RAPPORT_SERVER_RECOMMEND_ACTION_H_
