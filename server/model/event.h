// An activity event and the contact it involves.
#ifndef RAPPORT_SERVER_MODEL_EVENT_H_
#define RAPPORT_SERVER_MODEL_EVENT_H_

#include <string>

#include "absl/time/time.h"
#include "server/model/enums.h"

namespace rapport::model {

// The other side of an interaction. No names: only what scoring uses.
struct Contact {
  std::string contact_id;
  Seniority seniority = Seniority::kUnknown;
  std::string industry;
  std::string region;
  NetworkCategory category = NetworkCategory::kUnspecified;
};

// One immutable activity event; event_id is the idempotency key within a
// tenant.
struct Event {
  std::string event_id;
  std::string member_id;
  absl::Time occur_time;
  EventType type = EventType::kUnspecified;
  Channel channel = Channel::kUnspecified;
  Contact contact;
  std::string thread_id;
  std::string content_id;
  int quantity = 1;  // Always >= 1 once validated.
};

}  // namespace rapport::model

#endif  // RAPPORT_SERVER_MODEL_EVENT_H_
