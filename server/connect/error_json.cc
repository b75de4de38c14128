#include "server/connect/error_json.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/wire_format_lite.h"
#include "server/common/text.h"
#include "server/connect/codes.h"

namespace rapport::connect {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using google::protobuf::internal::WireFormatLite;

// google.rpc.Status: 1 code, 2 message, 3 repeated details (Any).
constexpr int kStatusDetailsField = 3;

// An Any's type URL without its host: everything after the last '/'.
std::string TypeNameOf(absl::string_view type_url) {
  const size_t slash = type_url.rfind('/');
  return std::string(
      slash == absl::string_view::npos ? type_url : type_url.substr(slash + 1));
}

// `text` with every byte that is not part of well-formed UTF-8 replaced by
// U+FFFD. Messages may quote what a client sent (a Content-Type, a
// Connect-Timeout-Ms value), and JSON text is UTF-8 (RFC 8259): a raw
// invalid byte would make the whole error document unreadable.
std::string ValidUtf8(absl::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  while (!text.empty()) {
    const Utf8Char c = DecodeUtf8(text);
    if (c.valid) {
      out.append(text.data(), c.size);
    } else {
      out.append("\xEF\xBF\xBD");
    }
    text.remove_prefix(c.size);
  }
  return out;
}

// The error object of `status`, as a Struct.
Struct ErrorStruct(const grpc::Status& status) {
  Struct error;
  auto& fields = *error.mutable_fields();
  fields["code"].set_string_value(std::string(CodeName(status.error_code())));
  if (!status.error_message().empty()) {
    fields["message"].set_string_value(ValidUtf8(status.error_message()));
  }
  std::vector<ErrorDetail> details = DetailsOf(status.error_details());
  if (!details.empty()) {
    auto* list = fields["details"].mutable_list_value();
    for (ErrorDetail& detail : details) {
      auto& detail_fields =
          *list->add_values()->mutable_struct_value()->mutable_fields();
      detail_fields["type"].set_string_value(ValidUtf8(detail.type));
      std::string value;
      absl::Base64Escape(detail.value, &value);
      // Connect sends base64 without padding (and accepts either).
      while (!value.empty() && value.back() == '=') value.pop_back();
      detail_fields["value"].set_string_value(std::move(value));
    }
  }
  return error;
}

std::string ToJson(const Struct& message) {
  std::string json;
  // A Struct of strings and lists always serializes.
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) {
    return R"({"code":"internal"})";
  }
  return json;
}

}  // namespace

std::vector<ErrorDetail> DetailsOf(absl::string_view status_details_bin) {
  std::vector<ErrorDetail> details;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(status_details_bin.data()),
      static_cast<int>(status_details_bin.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == kStatusDetailsField &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      std::string bytes;
      uint32_t size = 0;
      google::protobuf::Any any;
      if (!in.ReadVarint32(&size) ||
          !in.ReadString(&bytes, static_cast<int>(size)) ||
          !any.ParseFromString(bytes)) {
        return {};
      }
      details.push_back({TypeNameOf(any.type_url()), any.value()});
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return {};
    }
  }
  if (!in.ConsumedEntireMessage()) return {};
  return details;
}

std::string ErrorJson(const grpc::Status& status) {
  return ToJson(ErrorStruct(status));
}

std::string EndOfStreamJson(
    const grpc::Status& status,
    const std::vector<std::pair<std::string, std::string>>& trailers) {
  Struct end;
  auto& fields = *end.mutable_fields();
  if (!status.ok()) {
    *fields["error"].mutable_struct_value() = ErrorStruct(status);
  }
  if (!trailers.empty()) {
    auto& metadata =
        *fields["metadata"].mutable_struct_value()->mutable_fields();
    for (const auto& [key, value] : trailers) {
      metadata[key].mutable_list_value()->add_values()->set_string_value(value);
    }
  }
  return ToJson(end);
}

}  // namespace rapport::connect
