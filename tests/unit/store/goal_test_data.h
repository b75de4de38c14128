// Goal records for the store's goal tests.
#ifndef RAPPORT_TESTS_UNIT_STORE_GOAL_TEST_DATA_H_
#define RAPPORT_TESTS_UNIT_STORE_GOAL_TEST_DATA_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/store/store.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store::testing {

inline GoalRecord MemberGoal(const std::string& id, const std::string& member,
                             absl::Time due, double target = 60) {
  GoalRecord g;
  g.goal_id = id;
  g.member_id = member;
  g.target = target;
  g.due_time = due;
  g.note = "reach " + absl::StrCat(target);
  g.create_time = At(0);
  g.created_by = "key:boss";
  return g;
}

inline GoalRecord TeamGoal(const std::string& id, const std::string& team,
                           absl::Time due, int pillar = 2, double target = 15) {
  GoalRecord g = MemberGoal(id, "", due, target);
  g.team = team;
  g.pillar = pillar;
  return g;
}

inline std::vector<std::string> Ids(const std::vector<GoalRecord>& goals) {
  std::vector<std::string> ids;
  for (const GoalRecord& g : goals) ids.push_back(g.goal_id);
  return ids;
}

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_GOAL_TEST_DATA_H_
