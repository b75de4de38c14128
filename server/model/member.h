// A member (sales rep) and their profile snapshot.
#ifndef RAPPORT_SERVER_MODEL_MEMBER_H_
#define RAPPORT_SERVER_MODEL_MEMBER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace rapport::model {

// The signals of the professional brand that a profile shows.
struct Profile {
  bool has_photo = false;
  bool has_headline = false;
  bool has_summary = false;
  int positions_count = 0;
  int positions_with_description_count = 0;
  int education_count = 0;
  int skills_count = 0;
  int certifications_count = 0;
  int volunteer_roles_count = 0;
  int board_roles_count = 0;
  int recommendations_given_count = 0;
  int recommendations_received_count = 0;
  int connections_count = 0;

  friend bool operator==(const Profile&, const Profile&) = default;
};

struct Member {
  std::string member_id;
  std::string display_name;
  std::string team;
  std::string industry;
  std::string manager;
  Profile profile;
  // Maintained by the store.
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  int64_t event_count = 0;
  std::optional<absl::Time> last_event_time;
};

}  // namespace rapport::model

#endif  // RAPPORT_SERVER_MODEL_MEMBER_H_
