// Generates one member's events. Internal to the demo generator.
//
// Events are first collected as compact RawEvents (a contact, thread or
// content is an index) and converted to protos once, after sorting, so that
// event ids follow time order.
//
// The activity is drawn for whole UTC days, the first day of the window to
// the last, and only then cut to the window (start, end]: what a member does
// on a day, and the random draws behind it, never depend on the time of day
// the window starts or ends at, only on the days it covers (and of those,
// only on which weekday comes first). A follow-on event (a reply, an
// acceptance) that would fall after the end has simply not happened yet and
// is dropped.
#ifndef RAPPORT_CLIENT_DEMO_MEMBER_ACTIVITY_H_
#define RAPPORT_CLIENT_DEMO_MEMBER_ACTIVITY_H_

#include <array>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/demo/demo.h"
#include "client/demo/persona_traits.h"
#include "client/demo/rng.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::demo::internal {

struct RawContact {
  rapport::v1::Seniority seniority = rapport::v1::SENIORITY_UNSPECIFIED;
  rapport::v1::NetworkCategory category =
      rapport::v1::NETWORK_CATEGORY_UNSPECIFIED;
  int industry = 0;  // Index into the contact industries.
  int region = 0;    // Index into the regions.
};

struct RawEvent {
  absl::Time time;
  rapport::v1::EventType type = rapport::v1::EVENT_TYPE_UNSPECIFIED;
  rapport::v1::Channel channel = rapport::v1::CHANNEL_UNSPECIFIED;
  int contact = -1;  // Index into contacts_, or none.
  int thread = -1;   // Thread number, or none.
  int content = -1;  // Post number (>= 0) or share number (< -1), or none.
  int quantity = 0;
  int sequence = 0;  // Generation order: the tie-break of equal times.
};

// Not thread-safe; one per member. Keeps a reference to member, which must
// outlive it.
class MemberActivity {
 public:
  // options must be valid (clamped).
  MemberActivity(const DemoOptions& options, const DemoMember& member);

  // Generates and returns the member's events, sorted by time. Call once.
  std::vector<rapport::v1::Event> Generate();

 private:
  // Daily activity, in content_activity.cc and prospecting_activity.cc.
  void ContentDay(absl::CivilDay day, double factor);
  void ProspectingDay(absl::CivilDay day, double factor);
  void ColdThread(absl::Time t, int contact, rapport::v1::Channel channel,
                  double reply_chance);
  // Conversations, in relationship_activity.cc.
  void CoreNetwork();
  void CoreExchange(int contact, absl::Time t, bool member_starts);
  void InboundDay(absl::CivilDay day);
  void AttendEvent(absl::CivilDay day);
  void Recommendations();

  // The activities counted day by day, each paced by Paced().
  enum Pace {
    kPosts,
    kShares,
    kCommentsMade,
    kGroupPosts,
    kGroupAnswers,
    kSearches,
    kProfileViews,
    kConnectionRequests,
    kColdThreads,
    kInbound,
    kPaceCount,
  };

  // Helpers, in member_activity.cc.
  double DayFactor(absl::CivilDay day);
  // The number of `pace` events on a day when `mean` are expected. The
  // fraction carries over to the next days (with some jitter) rather than
  // being drawn afresh each day, so that an activity of 0.1 a day comes about
  // every ten days instead of in random clumps and long silences: steady
  // personas then score steadily from week to week.
  int Paced(Pace pace, double mean);
  bool Declined(absl::Time t) const { return t > decline_time_; }
  absl::Time WorkTime(absl::CivilDay day);
  absl::Time After(absl::Time t, double min_hours, double max_hours);
  int NewContact(const SeniorityMix& mix, rapport::v1::NetworkCategory category,
                 bool own_industry);
  int NewThread() { return thread_count_++; }
  // Adds the event when its time lies in the days of the window (events
  // outside the window itself are cut later); returns whether it did.
  bool Emit(RawEvent e);
  rapport::v1::Event ToProto(const RawEvent& e, int n) const;

  const DemoOptions options_;
  const DemoMember& member_;
  const PersonaTraits& traits_;
  const std::string prefix_;  // "demo-s<seed>-<member_id>"
  Rng rng_;
  absl::Time start_;          // Exclusive.
  absl::Time end_;            // Inclusive.
  absl::CivilDay first_day_;  // Of start_.
  absl::CivilDay last_day_;   // Of end_.
  absl::Time days_begin_;     // The start of first_day_.
  absl::Time days_end_;       // The end of last_day_ (exclusive).
  // A decliner goes quiet from the start of a UTC day on.
  absl::Time decline_time_ = absl::InfiniteFuture();
  std::vector<RawContact> contacts_;
  std::vector<int> core_contacts_;  // Indexes into contacts_.
  std::vector<RawEvent> events_;
  int thread_count_ = 0;
  int post_count_ = 0;
  int share_count_ = 0;
  double week_mood_ = 1;
  int mood_week_ = -1;
  std::array<double, kPaceCount> carry_{};  // By Pace, in [0, 1).
};

}  // namespace rapport::demo::internal

#endif  // RAPPORT_CLIENT_DEMO_MEMBER_ACTIVITY_H_
