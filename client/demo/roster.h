// Who is in the demo organisation: member ids, personas, teams and profiles.
// Internal to the demo generator.
#ifndef RAPPORT_CLIENT_DEMO_ROSTER_H_
#define RAPPORT_CLIENT_DEMO_ROSTER_H_

#include <string>

#include "client/demo/demo.h"

namespace rapport::demo::internal {

// Options with every value clamped into its valid range.
DemoOptions Clamped(const DemoOptions& options);

// "rep-007": zero-padded so that string order is index order.
std::string MemberIdFor(int index, int member_count);

// The first kPersonaCount members are one of each persona (in a seeded
// order); later members draw from a fixed mix, mostly kAverage.
Persona PersonaFor(uint64_t seed, int index);

// The member at index, complete with team, industry, manager and profile.
DemoMember MakeDemoMember(const DemoOptions& options, int index);

}  // namespace rapport::demo::internal

#endif  // RAPPORT_CLIENT_DEMO_ROSTER_H_
