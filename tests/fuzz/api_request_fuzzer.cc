// Every RPC's request, as the gRPC server receives it: the first byte picks
// a method of the rapport.v1 services (enumerated from the descriptor pool),
// the rest is parsed as that method's request message. Then the request
// goes through the validation and conversion functions the handlers call,
// field by field as the handlers apply them:
//   - an unparsable request: RequestTypeOf and UnparsableRequest, as the
//     parse error interceptor answers it;
//   - a Member anywhere: ValidateMember, then FromProto/ToProto, whose
//     result must validate again;
//   - an Event anywhere: ValidateEvent at a fixed now, then FromProto;
//   - member_id, member_ids, contact_id, goal_id: the identifier check;
//     team, industry and other text: CheckText;
//   - a Timestamp: OptionalTime;
//   - page_size and page_token: ParsePage, SliceOf, and a token issued for
//     the page must decode to its cursor;
//   - cursor: DecodeFeedCursor.
// Every error must be INVALID_ARGUMENT and start with the path of the field
// at fault (the promise of docs/api.md), never another code.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/admin.pb.h"
#include "rapport/v1/goal.pb.h"
#include "rapport/v1/outreach.pb.h"
#include "rapport/v1/recommendation.pb.h"
#include "rapport/v1/scoring.pb.h"
#include "rapport/v1/validation.pb.h"
#include "server/api/convert.h"
#include "server/api/feed_cursor.h"
#include "server/api/pagination.h"
#include "server/api/parse_error.h"
#include "server/api/validate.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

struct Rpc {
  std::string full_method;  // "/rapport.v1.ScoringService/GetScore".
  const MethodDescriptor* method;
};

// Every method of every service of the rapport.v1 files, in declaration
// order. Naming one message of each file links its descriptor in.
std::vector<Rpc> AllRpcs() {
  const Descriptor* anchors[] = {
      v1::UpsertMemberRequest::descriptor(),
      v1::CreateTenantRequest::descriptor(),
      v1::CreateGoalRequest::descriptor(),
      v1::GetOutreachEffectivenessRequest::descriptor(),
      v1::GetRecommendationsRequest::descriptor(),
      v1::GetScoreRequest::descriptor(),
      v1::GetValidationReportRequest::descriptor(),
  };
  std::vector<Rpc> rpcs;
  for (const Descriptor* anchor : anchors) {
    const google::protobuf::FileDescriptor* file = anchor->file();
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const MethodDescriptor* method = service->method(m);
        rpcs.push_back(
            {absl::StrCat("/", service->full_name(), "/", method->name()),
             method});
      }
    }
  }
  return rpcs;
}

std::string Join(const std::string& parent, absl::string_view name) {
  return parent.empty() ? std::string(name) : absl::StrCat(parent, ".", name);
}

void CheckFieldError(const std::optional<api::FieldError>& error,
                     absl::string_view what) {
  if (!error.has_value()) return;
  Check(!error->field.empty() && !error->reason.empty(),
        absl::StrCat(what, ": a field error without field or reason"));
  Check(IsUtf8(error->reason), absl::StrCat(what, ": reason is not UTF-8"));
}

void CheckMember(const v1::Member& member, const std::string& path) {
  const absl::Status status = api::ValidateMember(member);
  ExpectOkOrInvalidField(status, "member", "ValidateMember");
  CheckFieldError(api::MemberProblem(member), "MemberProblem");
  Check(status.ok() == !api::MemberProblem(member).has_value(),
        "ValidateMember and MemberProblem disagree");
  if (!status.ok()) return;
  // What the store keeps and returns must be a valid member again.
  v1::Member back;
  api::ToProto(api::FromProto(member), &back);
  const absl::Status again = api::ValidateMember(back);
  if (!again.ok())
    Fail(absl::StrCat(path, ": a valid member converts to an invalid one"),
         again);
  Check(back.member_id() == member.member_id(), "member_id lost in conversion");
}

void CheckEvent(const v1::Event& event) {
  const std::optional<api::FieldError> error =
      api::ValidateEvent(event, FixedNow(), api::ValidationLimits{});
  CheckFieldError(error, "ValidateEvent");
  if (error.has_value()) return;
  const model::Event converted = api::FromProto(event);
  Check(converted.event_id == event.event_id(), "event_id lost in conversion");
  Check(converted.member_id == event.member_id(),
        "member_id lost in conversion");
}

void CheckTimestamp(const Message& message, const FieldDescriptor* field,
                    const std::string& path) {
  const Reflection* r = message.GetReflection();
  const bool present = r->HasField(message, field);
  google::protobuf::Timestamp ts;
  if (present) ts.CopyFrom(r->GetMessage(message, field));
  auto time =
      api::OptionalTime(path, present, ts, FixedNow(), api::ValidationLimits{});
  ExpectOkOrInvalidField(time.status(), path, "OptionalTime");
  if (time.ok()) Check(time->has_value() == present, "OptionalTime presence");
}

// page_size and page_token of a List request, with the request's other
// fields as the filters the token is bound to.
void CheckPaging(const Message& message, const FieldDescriptor* size_field,
                 const FieldDescriptor* token_field) {
  const Reflection* r = message.GetReflection();
  const int32_t page_size = r->GetInt32(message, size_field);
  const std::string token = r->GetString(message, token_field);
  std::unique_ptr<Message> filters(message.New());
  filters->CopyFrom(message);
  filters->GetReflection()->ClearField(filters.get(), size_field);
  filters->GetReflection()->ClearField(filters.get(), token_field);
  absl::StatusOr<api::Page> page =
      api::ParsePage(page_size, token, filters->SerializeAsString());
  if (!page.ok()) {
    Check(!page.status().message().empty(), "ParsePage without a message");
    if (!absl::StartsWith(page.status().message(), "page_size: ") &&
        !absl::StartsWith(page.status().message(), "page_token: ")) {
      Fail("ParsePage names neither page_size nor page_token", page.status());
    }
    ExpectCodeIn(page.status(), {absl::StatusCode::kInvalidArgument},
                 "ParsePage");
    return;
  }
  Check(page->size >= 1 && page->size <= api::kMaxPageSize, "page size range");
  for (size_t total : {size_t{0}, size_t{1}, size_t{1000}, size_t{100000}}) {
    absl::StatusOr<api::Slice> slice = api::SliceOf(*page, total);
    ExpectOkOrInvalidField(slice.status(), "page_token", "SliceOf");
    if (!slice.ok()) continue;
    Check(slice->begin <= slice->end && slice->end <= total, "slice bounds");
    if (!slice->next_page_token.empty()) {
      absl::StatusOr<api::Page> next =
          api::ParsePage(page_size, slice->next_page_token, page->filters);
      if (!next.ok()) Fail("the next page token is refused", next.status());
    }
  }
  // A token issued for this page resumes at the cursor it was given.
  const std::string cursor = page->cursor.empty() ? "m-1" : page->cursor;
  absl::StatusOr<api::Page> resumed = api::ParsePage(
      page_size, api::NextPageToken(*page, cursor), page->filters);
  if (!resumed.ok()) Fail("an issued page token is refused", resumed.status());
  Check(resumed->cursor == cursor, "page token round trip");
}

void CheckString(const std::string& name, const std::string& value,
                 const std::string& path) {
  if (name == "member_id" || name == "member_ids") {
    ExpectOkOrInvalidField(api::CheckMemberId(path, value), path,
                           "CheckMemberId");
  } else if (name == "contact_id" || name == "goal_id" || name == "key_id") {
    CheckFieldError(api::CheckId(path, value), "CheckId");
  } else if (name == "team" || name == "industry") {
    ExpectOkOrInvalidField(
        api::CheckTextField(path, value, api::kMaxGroupLength, false), path,
        "CheckTextField");
  } else if (name != "page_token" && name != "cursor") {
    CheckFieldError(api::CheckText(path, value, api::kMaxNameLength, false),
                    "CheckText");
  }
}

void Walk(const Message& message, const std::string& path, int depth) {
  const Descriptor* type = message.GetDescriptor();
  if (type == v1::Member::descriptor()) {
    return CheckMember(static_cast<const v1::Member&>(message), path);
  }
  if (type == v1::Event::descriptor()) {
    return CheckEvent(static_cast<const v1::Event&>(message));
  }
  if (depth > 8) return;
  const Reflection* r = message.GetReflection();
  const FieldDescriptor* page_size = type->FindFieldByName("page_size");
  const FieldDescriptor* page_token = type->FindFieldByName("page_token");
  if (page_size != nullptr && page_token != nullptr &&
      page_size->type() == FieldDescriptor::TYPE_INT32 &&
      page_token->type() == FieldDescriptor::TYPE_STRING) {
    CheckPaging(message, page_size, page_token);
  }
  if (const FieldDescriptor* cursor = type->FindFieldByName("cursor");
      cursor != nullptr && cursor->type() == FieldDescriptor::TYPE_STRING &&
      !cursor->is_repeated()) {
    const FieldDescriptor* team = type->FindFieldByName("team");
    const std::string team_value =
        team != nullptr && team->type() == FieldDescriptor::TYPE_STRING &&
                !team->is_repeated()
            ? r->GetString(message, team)
            : std::string();
    auto position = api::DecodeFeedCursor(r->GetString(message, cursor),
                                          "tenant-1", team_value);
    ExpectOkOrInvalidField(position.status(), "cursor", "DecodeFeedCursor");
    if (position.ok()) {
      auto again = api::DecodeFeedCursor(
          api::EncodeFeedCursor(*position, "tenant-1", team_value), "tenant-1",
          team_value);
      if (!again.ok()) Fail("a re-encoded cursor is refused", again.status());
    }
  }
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string field_path = Join(path, field->name());
    if (field->is_repeated()) {
      const int n = r->FieldSize(message, field);
      for (int k = 0; k < n && k < 64; ++k) {
        const std::string item = absl::StrCat(field_path, "[", k, "]");
        if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
          Walk(r->GetRepeatedMessage(message, field, k), item, depth + 1);
        } else if (field->type() == FieldDescriptor::TYPE_STRING) {
          CheckString(field->name(), r->GetRepeatedString(message, field, k),
                      item);
        }
      }
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      CheckString(field->name(), r->GetString(message, field), field_path);
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->message_type() == google::protobuf::Timestamp::descriptor()) {
        CheckTimestamp(message, field, field_path);
      } else if (r->HasField(message, field)) {
        Walk(r->GetMessage(message, field), field_path, depth + 1);
      }
    }
  }
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  static const std::vector<Rpc>* const rpcs = new std::vector<Rpc>(AllRpcs());
  if (size == 0 || rpcs->empty()) return 0;
  const Rpc& rpc = (*rpcs)[data[0] % rpcs->size()];
  const Descriptor* type = rpc.method->input_type();
  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
  Check(rapport::api::RequestTypeOf(rpc.full_method) == type->full_name(),
        "RequestTypeOf");
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) {
    ExpectCodeIn(rapport::api::UnparsableRequest(type->full_name()),
                 {absl::StatusCode::kInvalidArgument}, "UnparsableRequest");
    return 0;
  }
  Walk(*request, "", 0);
  return 0;
}
