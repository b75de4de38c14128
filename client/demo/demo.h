// The demo organisation: a deterministic, plausible sales org with members,
// profiles and months of activity events, for demos, tests and benchmarks.
//
// Pure: no I/O and no clock reads (the end of the window is an option). The
// same options give byte-identical output on every machine: the generator
// uses its own portable random numbers, never <random>'s distributions.
//
// Every member gets a persona that shapes their activity (see Persona). The
// first six members (in member_id order) are one of each persona, so even a
// 12-member org shows the full range; the rest are mostly kAverage.
//
// Thread-safety: the functions are reentrant; they share no state.
#ifndef RAPPORT_CLIENT_DEMO_DEMO_H_
#define RAPPORT_CLIENT_DEMO_DEMO_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::demo {

// The behaviour pattern behind a member's events.
enum class Persona {
  // Middling everything, at a steady pace: a post every month or two, a few
  // shares and comments, a little prospecting, a handful of relationships,
  // answers about half of what comes in. Most of the organisation.
  kAverage = 0,
  // Complete profile, publishes 2-3 times a week to a large audience, shares,
  // comments and answers in groups, keeps 14-18 relationships warm, answers
  // fast; prospects little.
  kThoughtLeader = 1,
  // Heavy prospecting: searches, saved leads, profile views, connection
  // requests to C-suite and VPs with notes, decent replies, meetings.
  kProspector = 2,
  // Sparse profile (no photo, certifications or volunteer roles) and almost
  // no activity: never asks to connect, rarely writes first and is never
  // answered when they do.
  kSilent = 3,
  // Huge volume of messages and connection requests to individual
  // contributors, about 3% replies, rarely follows up, ignores inbound.
  kSprayer = 4,
  // Good activity for most of the window, then nothing of their own for the
  // last three weeks (or the last half of a shorter window), counted in whole
  // UTC days before the end's day: no posts, prospecting or comments, a rare
  // message to a core contact, and contacts who keep writing go unanswered.
  // Flagged by a 7-day decline of 5 points whatever the end time.
  kDecliner = 5,
};
inline constexpr int kPersonaCount = 6;

// "average", "thought_leader", "prospector", "silent", "sprayer",
// "decliner".
absl::string_view PersonaName(Persona persona);

struct DemoOptions {
  // Members to generate: 1 to 1,000,000.
  int member_count = 60;
  // Length of the activity window in days: 1 to 3650.
  int days = 90;
  // Selects the organisation; any value.
  uint64_t seed = 1;
  // The end of the window. Events lie in (end_time - days, end_time]. Must be
  // such that the window starts after 2000-01-01.
  absl::Time end_time = absl::FromUnixSeconds(1717200000);  // 2024-06-01
};

// Returns OK, or INVALID_ARGUMENT naming the option out of range.
absl::Status ValidateDemoOptions(const DemoOptions& options);

// One generated member and the persona their events follow.
struct DemoMember {
  rapport::v1::Member member;  // Only input fields are set.
  Persona persona = Persona::kAverage;
  int index = 0;  // Position in member_id order.
};

// The whole organisation in memory. For large orgs prefer the streaming
// functions below: 10,000 members hold about two million events.
struct DemoOrg {
  // Sorted by member_id.
  std::vector<rapport::v1::Member> members;
  // Sorted by occur_time, ties by event_id.
  std::vector<rapport::v1::Event> events;
  // Every member's persona.
  std::map<std::string, Persona> persona_by_member;
};

// The functions below require ValidateDemoOptions(options).ok(); out-of-range
// values are clamped into range.

// The members alone, in member_id order. Cheap.
std::vector<DemoMember> GenerateDemoMembers(const DemoOptions& options);

// The events of one member of GenerateDemoMembers(options), sorted by
// occur_time (ties by event_id). A member's events depend only on the options
// and on that member, so members can be generated one at a time or in
// parallel.
std::vector<rapport::v1::Event> GenerateMemberEvents(const DemoOptions& options,
                                                     const DemoMember& member);

// Calls visit for every event, member by member in member_id order, each
// member's events in time order; holds one member's events at a time.
void ForEachDemoEvent(const DemoOptions& options,
                      absl::FunctionRef<void(const rapport::v1::Event&)> visit);

// The whole organisation; events are globally sorted by time.
DemoOrg GenerateDemoOrg(const DemoOptions& options);

}  // namespace rapport::demo

#endif  // RAPPORT_CLIENT_DEMO_DEMO_H_
