// Building relationships: the core network with its two-way exchanges (some
// gone quiet), strangers writing in, contacts met at events and followed up
// (or not), and recommendations exchanged.
#include <algorithm>
#include <array>
#include <vector>

#include "client/demo/member_activity.h"

namespace rapport::demo::internal {
namespace {

constexpr SeniorityMix kAnyone = {0.15, 0.20, 0.25, 0.25, 0.15};

constexpr std::array<v1::NetworkCategory, 7> kCategories = {
    v1::NETWORK_CATEGORY_INFORMATION,
    v1::NETWORK_CATEGORY_POWER,
    v1::NETWORK_CATEGORY_FEEDBACK,
    v1::NETWORK_CATEGORY_CROSS_INDUSTRY_PEER,
    v1::NETWORK_CATEGORY_GEOGRAPHIC_PEER,
    v1::NETWORK_CATEGORY_PERSONAL_SUPPORT,
    v1::NETWORK_CATEGORY_WELL_BEING};

constexpr v1::Channel kCoreChannels[] = {v1::CHANNEL_LINKEDIN_MESSAGE,
                                         v1::CHANNEL_EMAIL, v1::CHANNEL_PHONE,
                                         v1::CHANNEL_OTHER};

}  // namespace

void MemberActivity::CoreNetwork() {
  const PersonaTraits& t = traits_;
  std::array<v1::NetworkCategory, 7> categories = kCategories;
  for (int i = 6; i > 0; --i)
    std::swap(categories[i], categories[rng_.Below(i + 1)]);
  const int size = static_cast<int>(rng_.Between(t.core_min, t.core_max));
  for (int c = 0; c < size; ++c) {
    const v1::NetworkCategory category =
        t.categories > 0 ? categories[c % std::min(7, t.categories)]
                         : v1::NETWORK_CATEGORY_UNSPECIFIED;
    const int contact = NewContact(kAnyone, category, false);
    core_contacts_.push_back(contact);
    // Some relationships went quiet a month or more ago; the second core
    // contact always has when the window is long enough to show it.
    absl::Time quiet = days_end_;
    if (options_.days >= 45 && t.gone_quiet_share > 0 &&
        (c == 1 || rng_.Chance(t.gone_quiet_share))) {
      quiet = absl::FromCivil(
          last_day_ - rng_.Between(31, std::min(60, options_.days - 10)),
          absl::UTCTimeZone());
    }
    const double interval = t.core_interval_days;
    absl::Time at =
        WorkTime(first_day_ + static_cast<int>(rng_.Real(0, interval)));
    while (at < quiet) {
      bool member_starts = rng_.Chance(t.member_starts);
      // A decliner stops writing; their contacts keep writing and go
      // unanswered.
      const bool skip = Declined(at) && member_starts && !rng_.Chance(0.05);
      if (!skip) CoreExchange(contact, at, member_starts);
      at = WorkTime(absl::ToCivilDay(
          at + absl::Hours(24) * (interval * rng_.Real(0.6, 1.4)),
          absl::UTCTimeZone()));
    }
  }
}

void MemberActivity::CoreExchange(int contact, absl::Time at,
                                  bool member_starts) {
  const int thread = NewThread();
  const v1::Channel channel =
      kCoreChannels[rng_.Weighted({0.45, 0.3, 0.15, 0.1})];
  auto event = [&](absl::Time when, v1::EventType type) {
    return Emit({.time = when,
                 .type = type,
                 .channel = channel,
                 .contact = contact,
                 .thread = thread});
  };
  if (member_starts) {
    if (!event(at, v1::EVENT_TYPE_MESSAGE_SENT) ||
        !rng_.Chance(traits_.core_reply_chance)) {
      return;
    }
    const absl::Time reply = After(at, 0.5, 30);
    if (event(reply, v1::EVENT_TYPE_MESSAGE_RECEIVED) && rng_.Chance(0.5)) {
      const absl::Time back = After(reply, 0.2, 8);
      if (!Declined(back)) event(back, v1::EVENT_TYPE_MESSAGE_SENT);
    }
    return;
  }
  if (!event(at, v1::EVENT_TYPE_MESSAGE_RECEIVED) ||
      !rng_.Chance(traits_.answer_chance)) {
    return;
  }
  const absl::Time answer =
      After(at, 0.1, std::max(1.0, traits_.answer_hours_max));
  if (Declined(answer) || !event(answer, v1::EVENT_TYPE_MESSAGE_SENT)) return;
  if (rng_.Chance(0.4))
    event(After(answer, 0.5, 24), v1::EVENT_TYPE_MESSAGE_RECEIVED);
}

void MemberActivity::InboundDay(absl::CivilDay day) {
  const absl::Weekday wd = absl::GetWeekday(day);
  const bool weekend =
      wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
  for (int n = Paced(kInbound, traits_.inbound_threads * (weekend ? 0.2 : 1.0));
       n > 0; --n) {
    const absl::Time at = WorkTime(day);
    const int contact =
        NewContact(kAnyone, v1::NETWORK_CATEGORY_UNSPECIFIED, true);
    const v1::Channel channel =
        rng_.Chance(0.55) ? v1::CHANNEL_LINKEDIN_MESSAGE : v1::CHANNEL_EMAIL;
    const int thread = NewThread();
    if (!Emit({.time = at,
               .type = v1::EVENT_TYPE_MESSAGE_RECEIVED,
               .channel = channel,
               .contact = contact,
               .thread = thread}) ||
        !rng_.Chance(traits_.answer_chance)) {
      continue;
    }
    const absl::Time answer =
        After(at, 0.1, std::max(1.0, traits_.answer_hours_max));
    if (!Declined(answer)) {
      Emit({.time = answer,
            .type = v1::EVENT_TYPE_MESSAGE_SENT,
            .channel = channel,
            .contact = contact,
            .thread = thread});
    }
  }
}

void MemberActivity::AttendEvent(absl::CivilDay day) {
  const absl::Time at = absl::FromCivil(day, absl::UTCTimeZone()) +
                        absl::Hours(rng_.Between(17, 21));
  if (Declined(at)) return;
  for (int n = static_cast<int>(rng_.Between(2, 4)); n > 0; --n) {
    const v1::NetworkCategory category = static_cast<v1::NetworkCategory>(
        rng_.Weighted({0.3, 0.3, 0.15, 0.1, 0.15, 0, 0, 0}));
    const int contact = NewContact(kAnyone, category, false);
    if (!Emit({.time = at,
               .type = v1::EVENT_TYPE_CONTACT_MET_AT_EVENT,
               .channel = v1::CHANNEL_EVENT,
               .contact = contact})) {
      continue;
    }
    // The advice: follow up a day or two after. Some do it late, some never.
    absl::Time follow_up = absl::InfiniteFuture();
    if (rng_.Chance(traits_.event_follow_up_chance)) {
      follow_up = After(at, 14, 44);
    } else if (rng_.Chance(0.3)) {
      follow_up = After(at, 96, 240);
    }
    if (follow_up < days_end_ && !Declined(follow_up)) {
      const v1::Channel channel =
          rng_.Chance(0.5) ? v1::CHANNEL_EMAIL : v1::CHANNEL_LINKEDIN_MESSAGE;
      ColdThread(follow_up, contact, channel, 0.5);
    }
  }
}

void MemberActivity::Recommendations() {
  if (core_contacts_.empty() || traits_.recommendations <= 0) return;
  const absl::CivilDay first = first_day_;
  auto pick = [&] { return core_contacts_[rng_.Below(core_contacts_.size())]; };
  const double per_window = traits_.recommendations * options_.days / 30.0;
  for (int n = rng_.Count(per_window); n > 0; --n) {
    const absl::Time at = WorkTime(first + rng_.Between(0, options_.days));
    const int contact = pick();
    if (Declined(at) || !Emit({.time = at,
                               .type = v1::EVENT_TYPE_RECOMMENDATION_GIVEN,
                               .contact = contact})) {
      continue;
    }
    if (rng_.Chance(0.6)) {  // Asked for one back, and got it.
      Emit({.time = After(at, 24, 240),
            .type = v1::EVENT_TYPE_RECOMMENDATION_RECEIVED,
            .contact = contact});
    }
  }
  for (int n = rng_.Count(per_window * 0.3); n > 0; --n) {
    const absl::Time at = WorkTime(first + rng_.Between(0, options_.days));
    Emit({.time = at,
          .type = v1::EVENT_TYPE_RECOMMENDATION_RECEIVED,
          .contact = pick()});
  }
}

}  // namespace rapport::demo::internal
