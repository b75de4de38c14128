#include "client/demo/roster.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "client/demo/rng.h"

namespace rapport::demo::internal {
namespace {

constexpr std::array<absl::string_view, 8> kTeams = {
    "Atlas", "Borealis", "Cobalt",  "Delta",
    "Ember", "Fjord",    "Granite", "Harbor"};
constexpr std::array<absl::string_view, 4> kIndustries = {
    "Software", "Healthcare", "Financial Services", "Manufacturing"};
constexpr std::array<absl::string_view, 32> kFirstNames = {
    "Ava",   "Liam",  "Noah",  "Emma",   "Mia",   "Lucas", "Sofia", "Ethan",
    "Aisha", "Mateo", "Yuki",  "Omar",   "Chloe", "Leon",  "Priya", "Jonas",
    "Elena", "Ravi",  "Grace", "Tomas",  "Nora",  "Kenji", "Lena",  "Diego",
    "Zara",  "Felix", "Ines",  "Samuel", "Maya",  "Hugo",  "Anya",  "Kofi"};
constexpr std::array<absl::string_view, 32> kLastNames = {
    "Thompson",  "Garcia", "Nakamura", "Okafor",   "Schmidt", "Rossi",
    "Novak",     "Silva",  "Kowalski", "Haddad",   "Larsen",  "Dubois",
    "Patel",     "Chen",   "Moreau",   "Jansen",   "Ivanova", "Mensah",
    "Lindqvist", "Costa",  "Fischer",  "Almeida",  "Byrne",   "Tanaka",
    "Nguyen",    "Kaya",   "Horvat",   "Andersen", "Reyes",   "Walsh",
    "Ortiz",     "Weber"};

// Member draws: one stream per member, independent of the org's size.
constexpr uint64_t kPersonaOrderStream = 0x5045;  // 'PE'
constexpr uint64_t kPersonaStream = 0x7065;       // 'pe'
constexpr uint64_t kMemberStream = 0x6d65;        // 'me'

// The persona mix of every block of 50 members after the first six.
constexpr int kBlockSize = 50;
constexpr std::pair<Persona, int> kBlockMix[] = {
    {Persona::kAverage, 36},   {Persona::kThoughtLeader, 2},
    {Persona::kProspector, 4}, {Persona::kSilent, 4},
    {Persona::kSprayer, 1},    {Persona::kDecliner, 3},
};

template <typename T, size_t N>
void Shuffle(std::array<T, N>& items, uint64_t seed) {
  Rng rng(seed);
  for (size_t i = N - 1; i > 0; --i)
    std::swap(items[i], items[rng.Below(i + 1)]);
}

int TeamCount(int member_count) {
  return std::clamp((member_count + 4) / 8, 1, static_cast<int>(kTeams.size()));
}

int Range(Rng& rng, int lo, int hi) {
  return static_cast<int>(rng.Between(lo, hi));
}

rapport::v1::Profile MakeProfile(Persona persona, Rng& rng) {
  rapport::v1::Profile p;
  const bool strong = persona == Persona::kThoughtLeader;
  const bool good = strong || persona == Persona::kProspector ||
                    persona == Persona::kDecliner;
  switch (persona) {
    case Persona::kSilent:
      p.set_has_headline(rng.Chance(0.5));
      p.set_positions_count(Range(rng, 1, 2));
      p.set_education_count(Range(rng, 0, 1));
      p.set_skills_count(Range(rng, 0, 4));
      p.set_recommendations_received_count(Range(rng, 0, 1));
      p.set_connections_count(Range(rng, 40, 180));
      return p;
    case Persona::kSprayer:
      p.set_has_photo(true);
      p.set_has_headline(true);
      p.set_positions_count(Range(rng, 2, 3));
      p.set_positions_with_description_count(Range(rng, 0, 1));
      p.set_education_count(1);
      p.set_skills_count(Range(rng, 5, 15));
      p.set_certifications_count(Range(rng, 0, 1));
      p.set_recommendations_received_count(Range(rng, 0, 1));
      p.set_connections_count(Range(rng, 3000, 8000));
      return p;
    default:
      break;
  }
  p.set_has_photo(good || rng.Chance(0.8));
  p.set_has_headline(true);
  p.set_has_summary(good || rng.Chance(0.5));
  p.set_positions_count(strong ? Range(rng, 4, 6) : Range(rng, 2, 5));
  p.set_positions_with_description_count(
      strong ? p.positions_count()
             : Range(rng, good ? p.positions_count() - 1 : 0,
                     p.positions_count() - (good ? 0 : 1)));
  p.set_education_count(Range(rng, 1, 2));
  p.set_skills_count(strong ? Range(rng, 30, 50) : Range(rng, 10, 30));
  p.set_certifications_count(strong ? Range(rng, 3, 6)
                                    : Range(rng, good ? 1 : 0, good ? 3 : 2));
  p.set_volunteer_roles_count(strong ? Range(rng, 1, 2)
                                     : (rng.Chance(0.3) ? 1 : 0));
  p.set_board_roles_count(strong ? 1 : (rng.Chance(0.05) ? 1 : 0));
  p.set_recommendations_given_count(strong ? Range(rng, 5, 10)
                                           : Range(rng, 0, good ? 4 : 1));
  p.set_recommendations_received_count(
      strong ? Range(rng, 6, 12) : Range(rng, good ? 1 : 0, good ? 5 : 2));
  p.set_connections_count(strong ? Range(rng, 1500, 4000)
                                 : Range(rng, 300, good ? 2500 : 1200));
  return p;
}

}  // namespace

DemoOptions Clamped(const DemoOptions& options) {
  DemoOptions o = options;
  o.member_count = std::clamp(o.member_count, 1, 1'000'000);
  o.days = std::clamp(o.days, 1, 3650);
  const absl::Time earliest =
      absl::FromCivil(absl::CivilSecond(2000, 1, 1), absl::UTCTimeZone()) +
      absl::Hours(24) * o.days;
  o.end_time = std::max(o.end_time, earliest);
  return o;
}

std::string MemberIdFor(int index, int member_count) {
  int width = 3;
  for (int n = member_count; n >= 1000; n /= 10) ++width;
  return absl::StrFormat("rep-%0*d", width, index + 1);
}

Persona PersonaFor(uint64_t seed, int index) {
  if (index < kPersonaCount) {
    std::array<int, kPersonaCount> order;
    for (int i = 0; i < kPersonaCount; ++i) order[i] = i;
    Shuffle(order, MixSeed({seed, kPersonaOrderStream}));
    return static_cast<Persona>(order[index]);
  }
  // Later members come in blocks with a fixed mix, shuffled per block, so
  // that a large org has exactly the intended proportions and a member's
  // persona does not depend on the org's size.
  const int block = (index - kPersonaCount) / kBlockSize;
  std::array<Persona, kBlockSize> slots;
  int next = 0;
  for (const auto& [persona, count] : kBlockMix) {
    for (int i = 0; i < count; ++i) slots[next++] = persona;
  }
  Shuffle(slots, MixSeed({seed, kPersonaStream, static_cast<uint64_t>(block)}));
  return slots[(index - kPersonaCount) % kBlockSize];
}

DemoMember MakeDemoMember(const DemoOptions& options, int index) {
  DemoMember dm;
  dm.index = index;
  dm.persona = PersonaFor(options.seed, index);
  Rng rng(MixSeed({options.seed, kMemberStream, static_cast<uint64_t>(index)}));
  const int team = index % TeamCount(options.member_count);
  rapport::v1::Member& m = dm.member;
  m.set_member_id(MemberIdFor(index, options.member_count));
  // Two statements: the order of draws inside one call is unspecified.
  const absl::string_view first = kFirstNames[rng.Below(kFirstNames.size())];
  const absl::string_view last = kLastNames[rng.Below(kLastNames.size())];
  m.set_display_name(absl::StrCat(first, " ", last));
  m.set_team(std::string(kTeams[team]));
  m.set_industry(std::string(kIndustries[team % kIndustries.size()]));
  m.set_manager(absl::StrCat("lead.", absl::AsciiStrToLower(kTeams[team]),
                             "@example.com"));
  *m.mutable_profile() = MakeProfile(dm.persona, rng);
  return dm;
}

}  // namespace rapport::demo::internal
