#include "server/api/validate.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rapport/v1/common.pb.h"
#include "server/api/convert.h"
#include "server/api/status.h"
#include "server/common/text.h"
#include "server/model/enums.h"

namespace rapport::api {
namespace {

constexpr size_t kMaxIdLength = 128;
constexpr int32_t kMaxProfileCount = 10000;
constexpr int32_t kMaxConnections = 1000000;
constexpr int32_t kMaxQuantity = 10000;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
         c == '@' || c == '-';
}

std::optional<FieldError> CheckCount(const std::string& field, int32_t value,
                                     int32_t max) {
  if (value < 0 || value > max) {
    return FieldError{
        field, absl::StrCat("must be between 0 and ", max, ", got ", value)};
  }
  return std::nullopt;
}

std::optional<FieldError> ValidateProfile(const v1::Profile& p) {
  const std::pair<const char*, int32_t> counts[] = {
      {"positions_count", p.positions_count()},
      {"positions_with_description_count",
       p.positions_with_description_count()},
      {"education_count", p.education_count()},
      {"skills_count", p.skills_count()},
      {"certifications_count", p.certifications_count()},
      {"volunteer_roles_count", p.volunteer_roles_count()},
      {"board_roles_count", p.board_roles_count()},
      {"recommendations_given_count", p.recommendations_given_count()},
      {"recommendations_received_count", p.recommendations_received_count()},
  };
  for (const auto& [name, value] : counts) {
    if (auto e = CheckCount(absl::StrCat("member.profile.", name), value,
                            kMaxProfileCount)) {
      return e;
    }
  }
  if (auto e = CheckCount("member.profile.connections_count",
                          p.connections_count(), kMaxConnections)) {
    return e;
  }
  if (p.positions_with_description_count() > p.positions_count()) {
    return FieldError{"member.profile.positions_with_description_count",
                      "cannot exceed positions_count"};
  }
  return std::nullopt;
}

std::string TypeName(v1::EventType type) { return v1::EventType_Name(type); }

std::optional<FieldError> ValidateContact(const v1::Event& event,
                                          model::EventType type) {
  const v1::Contact& c = event.contact();
  if (model::IsContactEvent(type) && c.contact_id().empty()) {
    return FieldError{"contact.contact_id",
                      absl::StrCat("is required for ", TypeName(event.type()))};
  }
  if (!c.contact_id().empty()) {
    if (auto e = CheckId("contact.contact_id", c.contact_id())) return e;
  }
  if (!v1::Seniority_IsValid(c.seniority())) {
    return FieldError{"contact.seniority",
                      absl::StrCat("unknown value ", c.seniority())};
  }
  if (!v1::NetworkCategory_IsValid(c.category())) {
    return FieldError{"contact.category",
                      absl::StrCat("unknown value ", c.category())};
  }
  if (auto e =
          CheckText("contact.industry", c.industry(), kMaxGroupLength, false)) {
    return e;
  }
  return CheckText("contact.region", c.region(), kMaxRegionLength, false);
}

std::optional<FieldError> CheckTime(const std::string& field,
                                    const google::protobuf::Timestamp& ts,
                                    absl::Time now,
                                    const ValidationLimits& limits) {
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return FieldError{field, "nanos must be between 0 and 999999999"};
  }
  const absl::Time t = FromProtoTime(ts);
  if (t < limits.earliest_event_time) {
    return FieldError{field,
                      absl::StrCat("is before ",
                                   absl::FormatTime(limits.earliest_event_time,
                                                    absl::UTCTimeZone()),
                                   ", the earliest accepted")};
  }
  if (t > now + limits.max_clock_skew) {
    return FieldError{
        field, absl::StrCat("is in the future (",
                            absl::FormatTime(t, absl::UTCTimeZone()), ")")};
  }
  return std::nullopt;
}

std::optional<FieldError> ValidateOccurTime(const v1::Event& event,
                                            absl::Time now,
                                            const ValidationLimits& limits) {
  if (!event.has_occur_time()) return FieldError{"occur_time", "is required"};
  return CheckTime("occur_time", event.occur_time(), now, limits);
}

}  // namespace

absl::StatusOr<std::optional<absl::Time>> OptionalTime(
    const std::string& field, bool present,
    const google::protobuf::Timestamp& ts, absl::Time now,
    const ValidationLimits& limits) {
  if (!present) return std::optional<absl::Time>();
  if (auto e = CheckTime(field, ts, now, limits)) {
    return InvalidField(e->field, e->reason);
  }
  return std::optional<absl::Time>(FromProtoTime(ts));
}

std::optional<FieldError> CheckText(const std::string& field,
                                    const std::string& value, size_t max_chars,
                                    bool required) {
  if (required && value.empty()) return FieldError{field, "is required"};
  // Protobuf refuses a request whose string fields are not UTF-8; checked
  // again so that the rule does not depend on where the text came from.
  if (!IsValidUtf8(value)) return FieldError{field, "is not valid UTF-8"};
  if (const size_t n = CodePointCount(value); n > max_chars) {
    return FieldError{
        field,
        absl::StrCat("is ", n, " characters long; the maximum is ", max_chars)};
  }
  if (auto bad = FirstForbiddenCharacter(value)) {
    return FieldError{
        field, absl::StrCat("contains ", DescribeCodePoint(bad->code_point),
                            " at character ", bad->position,
                            "; control, bidirectional-override and "
                            "invisible characters are not allowed")};
  }
  return std::nullopt;
}

absl::Status CheckTextField(const std::string& field, const std::string& value,
                            size_t max_chars, bool required) {
  if (auto e = CheckText(field, value, max_chars, required)) {
    return InvalidField(e->field, e->reason);
  }
  return absl::OkStatus();
}

absl::Status CheckMemberId(const std::string& field,
                           const std::string& member_id) {
  if (auto e = CheckId(field, member_id)) {
    return InvalidField(e->field, e->reason);
  }
  return absl::OkStatus();
}

std::optional<FieldError> CheckId(const std::string& field,
                                  const std::string& value) {
  if (value.empty()) return FieldError{field, "is required"};
  if (value.size() > kMaxIdLength) {
    return FieldError{
        field, absl::StrCat("is ", value.size(),
                            " characters long; the maximum is ", kMaxIdLength)};
  }
  for (char c : value) {
    if (!IsIdChar(c)) {
      return FieldError{field,
                        "may only hold letters, digits and the characters "
                        "._:@-"};
    }
  }
  return std::nullopt;
}

std::optional<FieldError> MemberProblem(const v1::Member& member) {
  std::optional<FieldError> e = CheckId("member.member_id", member.member_id());
  if (!e) {
    e = CheckText("member.display_name", member.display_name(), kMaxNameLength,
                  true);
  }
  if (!e) e = CheckText("member.team", member.team(), kMaxGroupLength, true);
  if (!e) {
    e = CheckText("member.industry", member.industry(), kMaxGroupLength, true);
  }
  if (!e) {
    e = CheckText("member.manager", member.manager(), kMaxNameLength, false);
  }
  if (!e) e = ValidateProfile(member.profile());
  constexpr absl::string_view kPrefix = "member.";
  if (e && absl::StartsWith(e->field, kPrefix))
    e->field.erase(0, kPrefix.size());
  return e;
}

absl::Status ValidateMember(const v1::Member& member) {
  if (std::optional<FieldError> e = MemberProblem(member)) {
    return InvalidField(absl::StrCat("member.", e->field), e->reason);
  }
  return absl::OkStatus();
}

std::optional<FieldError> ValidateEvent(const v1::Event& event, absl::Time now,
                                        const ValidationLimits& limits) {
  if (auto e = CheckId("event_id", event.event_id())) return e;
  if (auto e = CheckId("member_id", event.member_id())) return e;
  if (event.type() == v1::EVENT_TYPE_UNSPECIFIED) {
    return FieldError{"type", "is required"};
  }
  if (!v1::EventType_IsValid(event.type())) {
    return FieldError{"type", absl::StrCat("unknown value ", event.type())};
  }
  const auto type = static_cast<model::EventType>(event.type());
  if (auto e = ValidateOccurTime(event, now, limits)) return e;
  if (!v1::Channel_IsValid(event.channel())) {
    return FieldError{"channel",
                      absl::StrCat("unknown value ", event.channel())};
  }
  if (model::NeedsChannel(type) && event.channel() == v1::CHANNEL_UNSPECIFIED) {
    return FieldError{"channel",
                      absl::StrCat("is required for ", TypeName(event.type()))};
  }
  if (auto e = ValidateContact(event, type)) return e;
  if (model::IsThreadEvent(type) || !event.thread_id().empty()) {
    if (auto e = CheckId("thread_id", event.thread_id())) {
      if (event.thread_id().empty()) {
        e->reason = absl::StrCat("is required for ", TypeName(event.type()));
      }
      return e;
    }
  }
  if (auto e =
          CheckText("content_id", event.content_id(), kMaxIdLength, false)) {
    return e;
  }
  if (event.quantity() < 0 || event.quantity() > kMaxQuantity) {
    return FieldError{"quantity",
                      absl::StrCat("must be between 0 and ", kMaxQuantity,
                                   ", got ", event.quantity())};
  }
  if (event.quantity() > 1 && !model::IsCountedEvent(type)) {
    return FieldError{
        "quantity", absl::StrCat("must be 0 or 1 for ", TypeName(event.type()),
                                 "; only counted events (reactions, "
                                 "comments and shares received, prospect "
                                 "searches) carry a quantity")};
  }
  return std::nullopt;
}

}  // namespace rapport::api
