// How each persona behaves, as rates and probabilities. Internal to the demo
// generator; the numbers are priors loosely based on the figures of
// docs/domain.md (cold reply rates of 3%, connection acceptance of 19% for
// the C-suite and 39% for managers), not measurements.
#ifndef RAPPORT_CLIENT_DEMO_PERSONA_TRAITS_H_
#define RAPPORT_CLIENT_DEMO_PERSONA_TRAITS_H_

#include <array>

#include "client/demo/demo.h"

namespace rapport::demo::internal {

// Weights over SENIORITY_C_SUITE .. SENIORITY_INDIVIDUAL_CONTRIBUTOR.
using SeniorityMix = std::array<double, 5>;

// Weights over CHANNEL_EMAIL, CHANNEL_LINKEDIN_MESSAGE, CHANNEL_INMAIL,
// CHANNEL_PHONE.
using ChannelMix = std::array<double, 4>;

struct PersonaTraits {
  // Rates are per working day; weekends run at a fifth of them.
  // Content.
  double posts = 0;
  int reactions_min = 0, reactions_max = 0;  // Per post.
  int comments_min = 0, comments_max = 0;    // Per post.
  double post_share_chance = 0;              // A post gets re-shared.
  double shares = 0;                         // CONTENT_SHARED.
  double comments_made = 0;
  double group_posts = 0;
  double group_answers = 0;
  // Prospecting.
  double searches = 0;
  double profile_views = 0;
  double lead_save_chance = 0;  // Per viewed profile.
  double connection_requests = 0;
  SeniorityMix prospect_seniority{};
  double acceptance_factor = 1;  // Times the seniority's base acceptance.
  // Cold outreach threads.
  double cold_threads = 0;
  ChannelMix cold_channels{};
  double reply_chance = 0;      // First reply to a cold thread.
  double follow_up_chance = 0;  // Follow up a thread still unanswered.
  double meeting_chance = 0;    // A meeting after a reply.
  // Relationships.
  int core_min = 0, core_max = 0;   // Recurring two-way contacts.
  double core_interval_days = 30;   // Mean days between exchanges.
  double gone_quiet_share = 0;      // Core contacts silent for 30+ days.
  double core_reply_chance = 0.85;  // A core contact answers the member.
  int categories = 0;               // Network categories the core covers.
  double member_starts = 0.55;      // The member writes first to a core one.
  double inbound_threads = 0;       // Strangers writing in, per day.
  double answer_chance = 0;         // Answers a thread a contact started.
  double answer_hours_max = 0;      // How fast, at most.
  // Events attended and recommendations.
  double event_every_days = 0;        // 0: never.
  double event_follow_up_chance = 0;  // Within 1-2 days.
  double recommendations = 0;         // Given, per 30 days.
};

const PersonaTraits& TraitsOf(Persona persona);

}  // namespace rapport::demo::internal

#endif  // RAPPORT_CLIENT_DEMO_PERSONA_TRAITS_H_
