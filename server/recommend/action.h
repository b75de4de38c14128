// Action: what a recommendation asks the member to do, as data, and Apply():
// the member's aggregates as the store would hold them had the member done
// it at `as_of`. Re-scoring the applied aggregates under the same model and
// as_of gives a recommendation's expected gain, and anyone can do it again
// (tests do) from the Action alone. Pure; thread-safe.
#ifndef RAPPORT_SERVER_RECOMMEND_ACTION_H_
#define RAPPORT_SERVER_RECOMMEND_ACTION_H_

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
// a group answer, a recommendation...), on as_of's day.
struct EventEdit {
  model::EventType type = model::EventType::kUnspecified;
  int count = 0;

  friend bool operator==(const EventEdit&, const EventEdit&) = default;
};

// The member writes to a contact at as_of: a follow-up or a message in an
// existing thread, or the first message of a new one. When `answered`, the
// contact writes back at as_of too.
struct MessageEdit {
  std::string thread_id;  // Existing or new.
  std::string contact_id;
  // Used when the thread or the contact is new.
  model::Channel channel = model::Channel::kEmail;
  model::Seniority seniority = model::Seniority::kUnknown;
  model::NetworkCategory category = model::NetworkCategory::kUnspecified;
  bool follow_up = false;  // FOLLOW_UP_SENT rather than MESSAGE_SENT.
  bool answered = false;

  friend bool operator==(const MessageEdit&, const MessageEdit&) = default;
};

// The member asks a contact to connect at as_of; `accepted`: the contact
// accepts at as_of.
struct ConnectionEdit {
  std::string contact_id;
  model::Seniority seniority = model::Seniority::kUnknown;  // When new.
  bool accepted = false;

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

  friend bool operator==(const Action&, const Action&) = default;
};

// Applies `action` at `as_of` to `profile` and `activity`, deriving what the
// store derives from the corresponding events (thread and contact states,
// daily buckets of as_of's UTC day). Threads and contacts named but absent
// are created; a withdrawn thread that is absent is ignored.
void Apply(const Action& action, absl::Time as_of, model::Profile& profile,
           model::MemberActivity& activity);

}  // namespace rapport::recommend

#endif  // RAPPORT_SERVER_RECOMMEND_ACTION_H_
