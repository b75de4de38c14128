#include "client/demo/member_activity.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rapport::demo::internal {
namespace {

constexpr std::array<absl::string_view, 8> kContactIndustries = {
    "Software",  "Healthcare", "Financial Services", "Manufacturing", "Retail",
    "Logistics", "Energy",     "Public Sector"};
constexpr std::array<absl::string_view, 10> kRegions = {
    "US", "GB", "DE", "FR", "NL", "SE", "ES", "IN", "SG", "BR"};

// The event stream of a member: independent of every other member.
constexpr uint64_t kEventStream = 0x6576;  // 'ev'

// The decliner's last stretch in whole UTC days before the end's day: three
// weeks, or a quarter of a short window.
int DeclineDays(int days) { return std::clamp(days / 2, 1, 21); }

const absl::TimeZone& Utc() {
  static const absl::TimeZone* const kUtc =
      new absl::TimeZone(absl::UTCTimeZone());
  return *kUtc;
}

}  // namespace

MemberActivity::MemberActivity(const DemoOptions& options,
                               const DemoMember& member)
    : options_(options),
      member_(member),
      traits_(TraitsOf(member.persona)),
      prefix_(
          absl::StrCat("demo-s", options.seed, "-", member.member.member_id())),
      rng_(MixSeed(
          {options.seed, kEventStream, static_cast<uint64_t>(member.index)})),
      start_(options.end_time - absl::Hours(24) * options.days),
      end_(options.end_time),
      first_day_(absl::ToCivilDay(start_, Utc())),
      last_day_(absl::ToCivilDay(end_, Utc())),
      days_begin_(absl::FromCivil(first_day_, Utc())),
      days_end_(absl::FromCivil(last_day_ + 1, Utc())) {
  // The quiet stretch covers whole days, the end's day included, so that
  // the last active day lies as many days before the end whatever its time
  // of day: the decline seen over any week of it does not depend on the hour
  // the demo is generated at.
  if (member.persona == Persona::kDecliner) {
    decline_time_ =
        absl::FromCivil(last_day_ - DeclineDays(options.days), Utc());
  }
  for (double& carry : carry_) carry = rng_.Unit();  // A random phase.
}

std::vector<rapport::v1::Event> MemberActivity::Generate() {
  CoreNetwork();
  Recommendations();
  const absl::CivilDay first = first_day_;
  const absl::CivilDay last = last_day_;
  absl::CivilDay next_event = absl::CivilDay::max();
  if (traits_.event_every_days > 0) {
    next_event =
        first + static_cast<int>(rng_.Real(0, traits_.event_every_days));
  }
  for (absl::CivilDay day = first; day <= last; ++day) {
    const double factor = DayFactor(day);
    ContentDay(day, factor);
    ProspectingDay(day, factor);
    InboundDay(day);
    if (day == next_event) {
      AttendEvent(day);
      next_event += std::max(
          1, static_cast<int>(traits_.event_every_days * rng_.Real(0.7, 1.3)));
    }
  }
  std::sort(
      events_.begin(), events_.end(), [](const RawEvent& a, const RawEvent& b) {
        return a.time != b.time ? a.time < b.time : a.sequence < b.sequence;
      });
  std::vector<rapport::v1::Event> out;
  out.reserve(events_.size());
  for (const RawEvent& e : events_) {
    if (e.time <= start_ || e.time > end_) continue;
    out.push_back(ToProto(e, static_cast<int>(out.size())));
  }
  return out;
}

double MemberActivity::DayFactor(absl::CivilDay day) {
  // A mood per week keeps weeks from looking identical.
  const int week = static_cast<int>((day - absl::CivilDay(1970, 1, 5)) / 7);
  if (week != mood_week_) {
    mood_week_ = week;
    week_mood_ = rng_.Real(0.7, 1.3);
  }
  const absl::Weekday wd = absl::GetWeekday(day);
  const bool weekend =
      wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
  double factor = week_mood_ * (weekend ? 0.2 : 1.0);
  if (Declined(absl::FromCivil(day, Utc()) + absl::Hours(12))) factor = 0;
  return factor;
}

int MemberActivity::Paced(Pace pace, double mean) {
  if (!(mean > 0)) return 0;
  double& carry = carry_[pace];
  carry += mean * rng_.Real(0.5, 1.5);
  const int n = static_cast<int>(carry);
  carry -= n;
  return n;
}

absl::Time MemberActivity::WorkTime(absl::CivilDay day) {
  return absl::FromCivil(day, Utc()) +
         absl::Seconds(rng_.Between(8 * 3600, 18 * 3600));
}

absl::Time MemberActivity::After(absl::Time t, double min_hours,
                                 double max_hours) {
  return t +
         absl::Seconds(rng_.Between(static_cast<int64_t>(min_hours * 3600),
                                    static_cast<int64_t>(max_hours * 3600)));
}

int MemberActivity::NewContact(const SeniorityMix& mix,
                               rapport::v1::NetworkCategory category,
                               bool own_industry) {
  RawContact c;
  c.seniority = static_cast<rapport::v1::Seniority>(
      1 + rng_.Weighted({mix[0], mix[1], mix[2], mix[3], mix[4]}));
  c.category = category;
  c.industry = static_cast<int>(rng_.Below(kContactIndustries.size()));
  if (own_industry && rng_.Chance(0.7)) {
    for (size_t i = 0; i < kContactIndustries.size(); ++i) {
      if (kContactIndustries[i] == member_.member.industry()) {
        c.industry = static_cast<int>(i);
      }
    }
  }
  c.region = rng_.Weighted({4, 2, 2, 1, 1, 1, 1, 1, 1, 1});
  contacts_.push_back(c);
  return static_cast<int>(contacts_.size()) - 1;
}

bool MemberActivity::Emit(RawEvent e) {
  if (e.time < days_begin_ || e.time >= days_end_) return false;
  e.sequence = static_cast<int>(events_.size());
  events_.push_back(e);
  return true;
}

rapport::v1::Event MemberActivity::ToProto(const RawEvent& e, int n) const {
  rapport::v1::Event ev;
  ev.set_event_id(absl::StrCat(prefix_, "-e", n));
  ev.set_member_id(member_.member.member_id());
  const int64_t seconds = absl::ToUnixSeconds(e.time);
  ev.mutable_occur_time()->set_seconds(seconds);
  ev.mutable_occur_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(e.time - absl::FromUnixSeconds(seconds))));
  ev.set_type(e.type);
  ev.set_channel(e.channel);
  if (e.contact >= 0) {
    const RawContact& c = contacts_[e.contact];
    rapport::v1::Contact* contact = ev.mutable_contact();
    contact->set_contact_id(absl::StrCat(prefix_, "-c", e.contact));
    contact->set_seniority(c.seniority);
    contact->set_industry(std::string(kContactIndustries[c.industry]));
    contact->set_region(std::string(kRegions[c.region]));
    contact->set_category(c.category);
  }
  if (e.thread >= 0) ev.set_thread_id(absl::StrCat(prefix_, "-t", e.thread));
  if (e.content >= 0) {
    ev.set_content_id(absl::StrCat(prefix_, "-p", e.content));
  } else if (e.content < -1) {
    ev.set_content_id(absl::StrCat(prefix_, "-s", -2 - e.content));
  }
  ev.set_quantity(e.quantity);
  return ev;
}

}  // namespace rapport::demo::internal
