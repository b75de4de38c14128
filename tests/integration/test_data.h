// The fixed "now" of the integration tests, and the members and events they
// make.
#ifndef RAPPORT_TESTS_INTEGRATION_TEST_DATA_H_
#define RAPPORT_TESTS_INTEGRATION_TEST_DATA_H_

#include <string>

#include "absl/time/time.h"
#include "rapport/v1/activity.pb.h"
#include "server/api/convert.h"

namespace rapport::testing {

inline const absl::Time kTestNow = absl::FromUnixSeconds(1764000000);

inline v1::Member MakeMember(const std::string& id, const std::string& team) {
  v1::Member m;
  m.set_member_id(id);
  m.set_display_name("Rep " + id);
  m.set_team(team);
  m.set_industry("software");
  return m;
}

inline v1::Event MakeEvent(const std::string& id, const std::string& member,
                           absl::Time at) {
  v1::Event e;
  e.set_event_id(id);
  e.set_member_id(member);
  api::ToProtoTime(at, e.mutable_occur_time());
  e.set_type(v1::EVENT_TYPE_POST_PUBLISHED);
  return e;
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_INTEGRATION_TEST_DATA_H_
