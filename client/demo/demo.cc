#include "client/demo/demo.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/demo/member_activity.h"
#include "client/demo/roster.h"

namespace rapport::demo {

absl::string_view PersonaName(Persona persona) {
  switch (persona) {
    case Persona::kAverage:
      return "average";
    case Persona::kThoughtLeader:
      return "thought_leader";
    case Persona::kProspector:
      return "prospector";
    case Persona::kSilent:
      return "silent";
    case Persona::kSprayer:
      return "sprayer";
    case Persona::kDecliner:
      return "decliner";
  }
  return "unknown";
}

absl::Status ValidateDemoOptions(const DemoOptions& options) {
  if (options.member_count < 1 || options.member_count > 1'000'000) {
    return absl::InvalidArgumentError("members must be 1 to 1000000");
  }
  if (options.days < 1 || options.days > 3650) {
    return absl::InvalidArgumentError("days must be 1 to 3650");
  }
  if (internal::Clamped(options).end_time != options.end_time) {
    return absl::InvalidArgumentError(
        "end_time must leave the whole window after 2000-01-01");
  }
  return absl::OkStatus();
}

std::vector<DemoMember> GenerateDemoMembers(const DemoOptions& options) {
  const DemoOptions o = internal::Clamped(options);
  std::vector<DemoMember> members;
  members.reserve(o.member_count);
  for (int i = 0; i < o.member_count; ++i) {
    members.push_back(internal::MakeDemoMember(o, i));
  }
  return members;
}

std::vector<rapport::v1::Event> GenerateMemberEvents(const DemoOptions& options,
                                                     const DemoMember& member) {
  return internal::MemberActivity(internal::Clamped(options), member)
      .Generate();
}

void ForEachDemoEvent(
    const DemoOptions& options,
    absl::FunctionRef<void(const rapport::v1::Event&)> visit) {
  const DemoOptions o = internal::Clamped(options);
  for (int i = 0; i < o.member_count; ++i) {
    const DemoMember member = internal::MakeDemoMember(o, i);
    for (const rapport::v1::Event& e : GenerateMemberEvents(o, member)) {
      visit(e);
    }
  }
}

DemoOrg GenerateDemoOrg(const DemoOptions& options) {
  DemoOrg org;
  for (DemoMember& m : GenerateDemoMembers(options)) {
    std::vector<rapport::v1::Event> events = GenerateMemberEvents(options, m);
    std::move(events.begin(), events.end(), std::back_inserter(org.events));
    org.persona_by_member[m.member.member_id()] = m.persona;
    org.members.push_back(std::move(m.member));
  }
  auto key = [](const rapport::v1::Event& e) {
    return std::make_pair(absl::FromUnixSeconds(e.occur_time().seconds()) +
                              absl::Nanoseconds(e.occur_time().nanos()),
                          absl::string_view(e.event_id()));
  };
  std::sort(org.events.begin(), org.events.end(),
            [&](const rapport::v1::Event& a, const rapport::v1::Event& b) {
              return key(a) < key(b);
            });
  return org;
}

}  // namespace rapport::demo
