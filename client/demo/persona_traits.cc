#include "client/demo/persona_traits.h"

namespace rapport::demo::internal {
namespace {

PersonaTraits Average() {
  PersonaTraits t;
  t.posts = 0.02;  // A post every month or two.
  t.reactions_min = 1, t.reactions_max = 8;
  t.comments_min = 0, t.comments_max = 1;
  t.post_share_chance = 0.1;
  t.shares = 0.035;
  t.comments_made = 0.06;
  t.group_posts = 0.005;
  t.group_answers = 0.01;
  t.searches = 0.07;
  t.profile_views = 0.1;
  t.lead_save_chance = 0.25;
  t.connection_requests = 0.1;
  t.prospect_seniority = {0.10, 0.15, 0.25, 0.25, 0.25};
  t.acceptance_factor = 1.0;
  t.cold_threads = 0.1;
  t.cold_channels = {0.5, 0.3, 0.1, 0.1};
  t.reply_chance = 0.08;
  t.follow_up_chance = 0.3;
  t.meeting_chance = 0.25;
  t.core_min = 4, t.core_max = 7;
  t.core_interval_days = 35;
  t.gone_quiet_share = 0.25;
  t.categories = 4;
  t.member_starts = 0.5;
  t.inbound_threads = 0.06;
  t.answer_chance = 0.5;
  t.answer_hours_max = 36;
  t.event_every_days = 60;
  t.event_follow_up_chance = 0.4;
  t.recommendations = 0.12;
  return t;
}

PersonaTraits ThoughtLeader() {
  PersonaTraits t = Average();
  t.posts = 0.42;  // About 2.5 a week.
  t.reactions_min = 30, t.reactions_max = 150;
  t.comments_min = 5, t.comments_max = 30;
  t.post_share_chance = 0.6;
  t.shares = 0.5;
  t.comments_made = 0.9;
  t.group_posts = 0.15;
  t.group_answers = 0.3;
  // Prospects little: people come to them.
  t.searches = 0.06;
  t.profile_views = 0.1;
  t.connection_requests = 0.15;
  t.prospect_seniority = {0.25, 0.30, 0.25, 0.15, 0.05};
  t.acceptance_factor = 1.8;
  t.cold_threads = 0.05;
  t.cold_channels = {0.35, 0.55, 0.05, 0.05};
  t.reply_chance = 0.35;
  t.follow_up_chance = 0.3;
  t.meeting_chance = 0.35;
  t.core_min = 14, t.core_max = 18;
  t.core_interval_days = 16;
  t.gone_quiet_share = 0.1;
  t.categories = 7;
  t.inbound_threads = 0.15;
  t.answer_chance = 0.97;
  t.answer_hours_max = 4;
  t.event_every_days = 30;
  t.event_follow_up_chance = 0.9;
  t.recommendations = 2;
  return t;
}

PersonaTraits Prospector() {
  PersonaTraits t = Average();
  t.posts = 0.03;
  t.reactions_min = 3, t.reactions_max = 15;
  t.post_share_chance = 0.1;
  t.shares = 0.05;
  t.comments_made = 0.1;
  t.group_posts = 0.01;
  t.searches = 0.9;
  t.profile_views = 1.4;
  t.lead_save_chance = 0.4;
  t.connection_requests = 1.1;
  t.prospect_seniority = {0.35, 0.35, 0.20, 0.08, 0.02};
  t.acceptance_factor = 1.5;
  t.cold_threads = 0.7;
  t.cold_channels = {0.45, 0.25, 0.2, 0.1};
  t.reply_chance = 0.18;
  t.follow_up_chance = 0.75;
  t.meeting_chance = 0.4;
  t.core_min = 6, t.core_max = 10;
  t.core_interval_days = 25;
  t.gone_quiet_share = 0.15;
  t.categories = 5;
  t.inbound_threads = 0.1;
  t.answer_chance = 0.75;
  t.answer_hours_max = 12;
  t.event_every_days = 20;
  t.event_follow_up_chance = 0.85;
  t.recommendations = 0.3;
  return t;
}

PersonaTraits Silent() {
  PersonaTraits t;
  t.comments_made = 0.02;
  t.profile_views = 0.03;
  t.connection_requests = 0;
  t.prospect_seniority = {0.1, 0.15, 0.25, 0.25, 0.25};
  t.cold_threads = 0.003;
  t.cold_channels = {1, 0, 0, 0};
  // What little they write goes unanswered: a reply rate resting on one
  // answered thread would fall by 6 points the day it left the window.
  t.reply_chance = 0;
  t.core_reply_chance = 0;
  t.core_min = 1, t.core_max = 2;
  t.core_interval_days = 45;
  t.categories = 1;
  t.member_starts = 0.15;
  t.inbound_threads = 0.03;
  t.answer_chance = 0.2;
  t.answer_hours_max = 72;
  return t;
}

PersonaTraits Sprayer() {
  PersonaTraits t;
  t.posts = 0.02;
  t.reactions_min = 0, t.reactions_max = 3;
  t.comments_min = 0, t.comments_max = 1;
  t.shares = 0.05;
  t.comments_made = 0.05;
  t.searches = 0.5;
  t.profile_views = 0.5;
  t.lead_save_chance = 0.1;
  t.connection_requests = 5;
  t.prospect_seniority = {0.02, 0.04, 0.06, 0.13, 0.75};
  t.acceptance_factor = 0.6;
  t.cold_threads = 5;
  t.cold_channels = {0.6, 0.15, 0.25, 0};
  t.reply_chance = 0.025;
  t.follow_up_chance = 0.05;
  t.meeting_chance = 0.15;
  t.core_min = 2, t.core_max = 4;
  t.core_interval_days = 30;
  t.gone_quiet_share = 0.5;
  t.categories = 2;
  t.member_starts = 0.7;
  t.inbound_threads = 0.3;
  t.answer_chance = 0.1;
  t.answer_hours_max = 96;
  t.event_every_days = 60;
  t.event_follow_up_chance = 0.15;
  return t;
}

// Active enough to sit near the targets, so that three quiet weeks show.
PersonaTraits Decliner() {
  PersonaTraits t = Average();
  t.posts = 0.26;
  t.reactions_min = 3, t.reactions_max = 15;
  t.comments_min = 1, t.comments_max = 3;
  t.post_share_chance = 0.25;
  t.shares = 0.4;
  t.comments_made = 0.65;
  t.group_posts = 0.08;
  t.group_answers = 0.12;
  t.searches = 0.8;
  t.profile_views = 1.0;
  t.lead_save_chance = 0.35;
  t.connection_requests = 1.0;
  t.prospect_seniority = {0.15, 0.20, 0.30, 0.20, 0.15};
  t.acceptance_factor = 1.1;
  t.cold_threads = 0.7;
  t.cold_channels = {0.45, 0.4, 0.1, 0.05};
  t.reply_chance = 0.12;
  t.follow_up_chance = 0.7;
  t.meeting_chance = 0.3;
  t.core_min = 6, t.core_max = 9;
  t.core_interval_days = 18;
  t.gone_quiet_share = 0.15;
  t.categories = 5;
  t.inbound_threads = 0.12;
  t.answer_chance = 0.85;
  t.answer_hours_max = 12;
  t.event_every_days = 25;
  t.event_follow_up_chance = 0.7;
  t.recommendations = 0.5;
  return t;
}

}  // namespace

const PersonaTraits& TraitsOf(Persona persona) {
  static const PersonaTraits* const kTraits = new PersonaTraits[kPersonaCount]{
      Average(), ThoughtLeader(), Prospector(), Silent(), Sprayer(), Decliner(),
  };
  const int i = static_cast<int>(persona);
  return kTraits[i >= 0 && i < kPersonaCount ? i : 0];
}

}  // namespace rapport::demo::internal
