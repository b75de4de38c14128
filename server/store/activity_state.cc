#include "server/store/activity_state.h"

#include <optional>

namespace rapport::store::internal {
namespace {

using model::Channel;
using model::EventType;
using model::NetworkCategory;
using model::Seniority;

// Keeps the latest non-default contact attributes seen so far.
template <typename State>
void TakeContactAttributes(const model::Contact& contact, State& state) {
  if (contact.seniority != Seniority::kUnknown) {
    state.seniority = contact.seniority;
  }
  if (contact.category != NetworkCategory::kUnspecified) {
    state.category = contact.category;
  }
}

void SetIfUnset(std::optional<absl::Time>& field, absl::Time t) {
  if (!field.has_value()) field = t;
}

}  // namespace

model::ThreadState DeriveThreadState(absl::Span<const model::Event> events) {
  model::ThreadState state;
  bool first = true;
  for (const model::Event& e : events) {
    if (!model::IsThreadEvent(e.type)) continue;
    if (first) {
      state.thread_id = e.thread_id;
      state.contact_id = e.contact.contact_id;
      state.channel = e.channel;
      first = false;
    }
    TakeContactAttributes(e.contact, state);
    if (model::IsOutboundMessage(e.type)) {
      SetIfUnset(state.first_outbound_time, e.occur_time);
      state.last_outbound_time = e.occur_time;
      ++state.outbound_count;
      if (e.type == EventType::kFollowUpSent) ++state.follow_up_count;
    } else {
      SetIfUnset(state.first_inbound_time, e.occur_time);
      state.last_inbound_time = e.occur_time;
      ++state.inbound_count;
    }
  }
  // Second pass: the firsts are known, so replies and answers can be placed.
  for (const model::Event& e : events) {
    if (!model::IsThreadEvent(e.type)) continue;
    if (model::IsOutboundMessage(e.type)) {
      if (state.first_inbound_time.has_value() &&
          e.occur_time > *state.first_inbound_time) {
        SetIfUnset(state.first_answer_time, e.occur_time);
      }
    } else if (state.first_outbound_time.has_value() &&
               e.occur_time > *state.first_outbound_time) {
      SetIfUnset(state.first_reply_time, e.occur_time);
    }
  }
  for (const model::Event& e : events) {
    if (e.type != EventType::kFollowUpSent) continue;
    if (!state.first_reply_time.has_value() ||
        e.occur_time < *state.first_reply_time) {
      ++state.follow_ups_before_reply;
    }
  }
  return state;
}

model::ContactState DeriveContactState(absl::Span<const model::Event> events) {
  model::ContactState state;
  bool first = true;
  for (const model::Event& e : events) {
    if (!model::IsContactEvent(e.type)) continue;
    if (first) {
      state.contact_id = e.contact.contact_id;
      state.first_time = e.occur_time;
      first = false;
    }
    TakeContactAttributes(e.contact, state);
    if (!e.contact.industry.empty()) state.industry = e.contact.industry;
    if (!e.contact.region.empty()) state.region = e.contact.region;
    switch (e.type) {
      case EventType::kMessageSent:
      case EventType::kFollowUpSent:
        state.last_outbound_time = e.occur_time;
        ++state.outbound_count;
        break;
      case EventType::kMessageReceived:
        state.last_inbound_time = e.occur_time;
        ++state.inbound_count;
        break;
      case EventType::kConnectionRequestSent:
        SetIfUnset(state.connection_requested_time, e.occur_time);
        break;
      case EventType::kConnectionAccepted:
        SetIfUnset(state.connection_accepted_time, e.occur_time);
        break;
      case EventType::kContactMetAtEvent:
        state.met_at_event_time = e.occur_time;
        break;
      case EventType::kMeetingBooked:
        ++state.meetings_booked;
        break;
      default:
        break;
    }
  }
  if (state.met_at_event_time.has_value()) {
    for (const model::Event& e : events) {
      if (model::IsOutboundMessage(e.type) &&
          e.occur_time >= *state.met_at_event_time) {
        state.followed_up_after_event_time = e.occur_time;
        break;
      }
    }
  }
  return state;
}

void FoldThreadEvents(absl::Span<const model::Event* const> later,
                      bool has_earlier, model::ThreadState& state) {
  const bool had_reply = state.first_reply_time.has_value();
  bool first = !has_earlier;
  // One pass suffices: an event strictly after the first outbound (inbound)
  // message always comes after it in the sorted order.
  for (const model::Event* event : later) {
    const model::Event& e = *event;
    if (!model::IsThreadEvent(e.type)) continue;
    if (first) {
      state.thread_id = e.thread_id;
      state.contact_id = e.contact.contact_id;
      state.channel = e.channel;
      first = false;
    }
    TakeContactAttributes(e.contact, state);
    if (model::IsOutboundMessage(e.type)) {
      if (state.first_inbound_time.has_value() &&
          e.occur_time > *state.first_inbound_time) {
        SetIfUnset(state.first_answer_time, e.occur_time);
      }
      SetIfUnset(state.first_outbound_time, e.occur_time);
      state.last_outbound_time = e.occur_time;
      ++state.outbound_count;
      if (e.type == EventType::kFollowUpSent) ++state.follow_up_count;
    } else {
      if (state.first_outbound_time.has_value() &&
          e.occur_time > *state.first_outbound_time) {
        SetIfUnset(state.first_reply_time, e.occur_time);
      }
      SetIfUnset(state.first_inbound_time, e.occur_time);
      state.last_inbound_time = e.occur_time;
      ++state.inbound_count;
    }
  }
  // Without an earlier reply every earlier follow-up counted and precedes
  // any reply among `later`; with one, no later follow-up precedes it.
  if (had_reply) return;
  for (const model::Event* event : later) {
    const model::Event& e = *event;
    if (e.type != EventType::kFollowUpSent) continue;
    if (!state.first_reply_time.has_value() ||
        e.occur_time < *state.first_reply_time) {
      ++state.follow_ups_before_reply;
    }
  }
}

void FoldContactEvents(absl::Span<const model::Event* const> later,
                       bool has_earlier, model::ContactState& state) {
  bool first = !has_earlier;
  bool met_again = false;
  for (const model::Event* event : later) {
    const model::Event& e = *event;
    if (!model::IsContactEvent(e.type)) continue;
    if (first) {
      state.contact_id = e.contact.contact_id;
      state.first_time = e.occur_time;
      first = false;
    }
    TakeContactAttributes(e.contact, state);
    if (!e.contact.industry.empty()) state.industry = e.contact.industry;
    if (!e.contact.region.empty()) state.region = e.contact.region;
    switch (e.type) {
      case EventType::kMessageSent:
      case EventType::kFollowUpSent:
        state.last_outbound_time = e.occur_time;
        ++state.outbound_count;
        break;
      case EventType::kMessageReceived:
        state.last_inbound_time = e.occur_time;
        ++state.inbound_count;
        break;
      case EventType::kConnectionRequestSent:
        SetIfUnset(state.connection_requested_time, e.occur_time);
        break;
      case EventType::kConnectionAccepted:
        SetIfUnset(state.connection_accepted_time, e.occur_time);
        break;
      case EventType::kContactMetAtEvent:
        state.met_at_event_time = e.occur_time;
        met_again = true;
        break;
      case EventType::kMeetingBooked:
        ++state.meetings_booked;
        break;
      default:
        break;
    }
  }
  // A meeting among `later` is after every earlier event, so the follow-up
  // after it can only be among `later` too; without one, an earlier
  // follow-up stands, and a missing one may come from `later`.
  if (!state.met_at_event_time.has_value()) return;
  if (met_again) {
    state.followed_up_after_event_time.reset();
  } else if (state.followed_up_after_event_time.has_value()) {
    return;
  }
  for (const model::Event* event : later) {
    const model::Event& e = *event;
    if (model::IsOutboundMessage(e.type) &&
        e.occur_time >= *state.met_at_event_time) {
      state.followed_up_after_event_time = e.occur_time;
      break;
    }
  }
}

}  // namespace rapport::store::internal
