// Told when members' scores may have changed: events were accepted for them,
// their profile was upserted, or they were deleted. The score cache and the
// outreach cache listen.
#ifndef RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_
#define RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_

#include <string>
#include <utility>
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

// Tells each of several listeners, in order, of every change. Thread-safe
// when they are. Does not own them.
class MemberChangeFanOut final : public MemberChangeListener {
 public:
  explicit MemberChangeFanOut(std::vector<MemberChangeListener*> listeners)
      : listeners_(std::move(listeners)) {}

  void OnMembersChanged(const TenantId& tenant,
                        const std::vector<std::string>& member_ids) override {
    for (MemberChangeListener* listener : listeners_) {
      listener->OnMembersChanged(tenant, member_ids);
    }
  }

 private:
  const std::vector<MemberChangeListener*> listeners_;
};

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_MEMBER_CHANGE_LISTENER_H_
