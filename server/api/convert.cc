#include "server/api/convert.h"

#include <algorithm>

#include "rapport/v1/common.pb.h"

namespace rapport::api {

// The model's enums mirror the API's numbering; conversion is a cast.
static_assert(v1::EventType_MAX == model::kMaxEventType);
static_assert(v1::EVENT_TYPE_MEETING_BOOKED ==
              static_cast<int>(model::EventType::kMeetingBooked));
static_assert(v1::Seniority_MAX == model::kMaxSeniority);
static_assert(v1::SENIORITY_INDIVIDUAL_CONTRIBUTOR ==
              static_cast<int>(model::Seniority::kIndividualContributor));
static_assert(v1::Channel_MAX == model::kMaxChannel);
static_assert(v1::NetworkCategory_MAX == model::kMaxNetworkCategory);
static_assert(v1::PILLAR_UNSPECIFIED ==
              static_cast<int>(model::Pillar::kUnspecified));
static_assert(v1::PILLAR_PROFESSIONAL_BRAND ==
              static_cast<int>(model::Pillar::kProfessionalBrand));
static_assert(v1::PILLAR_FIND_RIGHT_PEOPLE ==
              static_cast<int>(model::Pillar::kFindRightPeople));
static_assert(v1::PILLAR_ENGAGE_WITH_INSIGHTS ==
              static_cast<int>(model::Pillar::kEngageWithInsights));
static_assert(v1::PILLAR_BUILD_RELATIONSHIPS ==
              static_cast<int>(model::Pillar::kBuildRelationships));
static_assert(v1::Pillar_MAX ==
              static_cast<int>(model::Pillar::kBuildRelationships));

model::Pillar FromProto(v1::Pillar pillar) {
  return static_cast<model::Pillar>(pillar);
}

v1::Pillar ToProto(model::Pillar pillar) {
  return static_cast<v1::Pillar>(pillar);
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void ToProtoTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

namespace {

model::Profile FromProto(const v1::Profile& p) {
  model::Profile m;
  m.has_photo = p.has_photo();
  m.has_headline = p.has_headline();
  m.has_summary = p.has_summary();
  m.positions_count = p.positions_count();
  m.positions_with_description_count = p.positions_with_description_count();
  m.education_count = p.education_count();
  m.skills_count = p.skills_count();
  m.certifications_count = p.certifications_count();
  m.volunteer_roles_count = p.volunteer_roles_count();
  m.board_roles_count = p.board_roles_count();
  m.recommendations_given_count = p.recommendations_given_count();
  m.recommendations_received_count = p.recommendations_received_count();
  m.connections_count = p.connections_count();
  return m;
}

void ToProto(const model::Profile& m, v1::Profile* p) {
  p->set_has_photo(m.has_photo);
  p->set_has_headline(m.has_headline);
  p->set_has_summary(m.has_summary);
  p->set_positions_count(m.positions_count);
  p->set_positions_with_description_count(m.positions_with_description_count);
  p->set_education_count(m.education_count);
  p->set_skills_count(m.skills_count);
  p->set_certifications_count(m.certifications_count);
  p->set_volunteer_roles_count(m.volunteer_roles_count);
  p->set_board_roles_count(m.board_roles_count);
  p->set_recommendations_given_count(m.recommendations_given_count);
  p->set_recommendations_received_count(m.recommendations_received_count);
  p->set_connections_count(m.connections_count);
}

}  // namespace

model::Member FromProto(const v1::Member& member) {
  model::Member m;
  m.member_id = member.member_id();
  m.display_name = member.display_name();
  m.team = member.team();
  m.industry = member.industry();
  m.manager = member.manager();
  m.profile = FromProto(member.profile());
  return m;
}

void ToProto(const model::Member& m, v1::Member* out) {
  out->set_member_id(m.member_id);
  out->set_display_name(m.display_name);
  out->set_team(m.team);
  out->set_industry(m.industry);
  out->set_manager(m.manager);
  ToProto(m.profile, out->mutable_profile());
  ToProtoTime(m.create_time, out->mutable_create_time());
  ToProtoTime(m.update_time, out->mutable_update_time());
  out->set_event_count(m.event_count);
  if (m.last_event_time.has_value()) {
    ToProtoTime(*m.last_event_time, out->mutable_last_event_time());
  }
}

model::Event FromProto(const v1::Event& event) {
  model::Event e;
  e.event_id = event.event_id();
  e.member_id = event.member_id();
  e.occur_time = FromProtoTime(event.occur_time());
  e.type = static_cast<model::EventType>(event.type());
  e.channel = static_cast<model::Channel>(event.channel());
  e.contact.contact_id = event.contact().contact_id();
  e.contact.seniority =
      static_cast<model::Seniority>(event.contact().seniority());
  e.contact.industry = event.contact().industry();
  e.contact.region = event.contact().region();
  e.contact.category =
      static_cast<model::NetworkCategory>(event.contact().category());
  e.thread_id = event.thread_id();
  e.content_id = event.content_id();
  e.quantity = std::max(1, event.quantity());
  return e;
}

}  // namespace rapport::api
