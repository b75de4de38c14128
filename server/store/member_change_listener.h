// Told when members' scores may have changed: events were accepted for them,
// their profile was upserted, or they were deleted. The score cache listens.
#ifndef RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_
#define RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_

#include <string>
#include <vector>

#include "server/store/store.h"

namespace rapport::store {

class MemberChangeListener {
 public:
  virtual ~MemberChangeListener() = default;
  // Called after the change is committed. Thread-safe implementations only.
  virtual void OnMembersChanged(const TenantId& tenant,
                                const std::vector<std::string>& member_ids) = 0;
};

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_
