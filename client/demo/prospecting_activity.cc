// Finding the right people: searches, profile views, saved leads, connection
// requests, and cold outreach threads with their replies and follow-ups.
#include <algorithm>

#include "client/demo/member_activity.h"

namespace rapport::demo::internal {
namespace {

// Indexed by Seniority (0 = unspecified). Acceptance after docs/domain.md:
// about 19% for the C-suite, 39% for managers.
constexpr double kAcceptance[] = {0.30, 0.19, 0.25, 0.32, 0.39, 0.33};
// Decision makers answer cold outreach less often.
constexpr double kReplyFactor[] = {1.0, 0.7, 0.85, 1.0, 1.1, 1.1};

constexpr v1::Channel kColdChannels[] = {v1::CHANNEL_EMAIL,
                                         v1::CHANNEL_LINKEDIN_MESSAGE,
                                         v1::CHANNEL_INMAIL, v1::CHANNEL_PHONE};

}  // namespace

void MemberActivity::ProspectingDay(absl::CivilDay day, double factor) {
  const PersonaTraits& t = traits_;
  for (int n = Paced(kSearches, t.searches * factor); n > 0; --n) {
    RawEvent e{.time = WorkTime(day), .type = v1::EVENT_TYPE_PROSPECT_SEARCH};
    e.quantity = static_cast<int>(rng_.Between(1, 5));
    Emit(e);
  }
  for (int n = Paced(kProfileViews, t.profile_views * factor); n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const int contact = NewContact(t.prospect_seniority,
                                   v1::NETWORK_CATEGORY_UNSPECIFIED, true);
    if (Emit({.time = at,
              .type = v1::EVENT_TYPE_PROSPECT_PROFILE_VIEWED,
              .contact = contact}) &&
        rng_.Chance(t.lead_save_chance)) {
      Emit({.time = After(at, 0.02, 2),
            .type = v1::EVENT_TYPE_LEAD_SAVED,
            .contact = contact});
    }
  }
  for (int n = Paced(kConnectionRequests, t.connection_requests * factor);
       n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const v1::NetworkCategory category = rng_.Chance(0.15)
                                             ? v1::NETWORK_CATEGORY_POWER
                                             : v1::NETWORK_CATEGORY_UNSPECIFIED;
    const int contact = NewContact(t.prospect_seniority, category, true);
    if (!Emit({.time = at,
               .type = v1::EVENT_TYPE_CONNECTION_REQUEST_SENT,
               .channel = v1::CHANNEL_CONNECTION_NOTE,
               .contact = contact})) {
      continue;
    }
    const double accept = std::min(
        0.9, kAcceptance[contacts_[contact].seniority] * t.acceptance_factor);
    if (!rng_.Chance(accept)) continue;
    const absl::Time accepted = After(at, 1, 144);
    if (Emit({.time = accepted,
              .type = v1::EVENT_TYPE_CONNECTION_ACCEPTED,
              .channel = v1::CHANNEL_CONNECTION_NOTE,
              .contact = contact}) &&
        rng_.Chance(t.follow_up_chance * 0.3)) {
      // A warm message after connecting gets answered more often.
      const absl::Time at2 = After(accepted, 2, 72);
      if (!Declined(at2)) {
        ColdThread(at2, contact, v1::CHANNEL_LINKEDIN_MESSAGE,
                   std::min(0.9, t.reply_chance * 1.5));
      }
    }
  }
  for (int n = Paced(kColdThreads, t.cold_threads * factor); n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const int contact = NewContact(t.prospect_seniority,
                                   v1::NETWORK_CATEGORY_UNSPECIFIED, true);
    const ChannelMix& mix = t.cold_channels;
    const v1::Channel channel =
        kColdChannels[rng_.Weighted({mix[0], mix[1], mix[2], mix[3]})];
    ColdThread(at, contact, channel, t.reply_chance);
  }
}

void MemberActivity::ColdThread(absl::Time at, int contact, v1::Channel channel,
                                double reply_chance) {
  const PersonaTraits& t = traits_;
  const int thread = NewThread();
  auto event = [&](absl::Time when, v1::EventType type) {
    return Emit({.time = when,
                 .type = type,
                 .channel = channel,
                 .contact = contact,
                 .thread = thread});
  };
  if (!event(at, v1::EVENT_TYPE_MESSAGE_SENT)) return;
  const double p = reply_chance * kReplyFactor[contacts_[contact].seniority];
  absl::Time reply = absl::InfiniteFuture();
  if (rng_.Chance(p)) {
    reply = After(at, 1, 96);
  } else if (rng_.Chance(t.follow_up_chance)) {
    const absl::Time follow_up = After(at, 72, 168);
    if (Declined(follow_up) || !event(follow_up, v1::EVENT_TYPE_FOLLOW_UP_SENT))
      return;
    if (rng_.Chance(p * 0.7)) reply = After(follow_up, 1, 72);
  }
  if (!event(reply, v1::EVENT_TYPE_MESSAGE_RECEIVED)) return;
  if (rng_.Chance(t.answer_chance)) {
    const absl::Time answer =
        After(reply, 0.2, std::max(1.0, t.answer_hours_max));
    if (!Declined(answer)) event(answer, v1::EVENT_TYPE_MESSAGE_SENT);
  }
  if (rng_.Chance(t.meeting_chance)) {
    Emit({.time = After(reply, 2, 72),
          .type = v1::EVENT_TYPE_MEETING_BOOKED,
          .channel = channel,
          .contact = contact});
  }
}

}  // namespace rapport::demo::internal
