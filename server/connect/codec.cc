#include "server/connect/codec.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace rapport::connect {
namespace {

// A new message of `type`, from the generated factory: every type of the
// services the server registers is compiled in.
std::unique_ptr<google::protobuf::Message> NewMessage(
    const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          &type);
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

}  // namespace

absl::string_view CodecName(Codec codec) {
  return codec == Codec::kJson ? "json" : "proto";
}

std::optional<Codec> CodecOfName(absl::string_view name) {
  if (name == "json") return Codec::kJson;
  if (name == "proto") return Codec::kProto;
  return std::nullopt;
}

std::optional<Codec> CodecOfContentType(absl::string_view content_type,
                                        bool streaming) {
  const size_t semicolon = content_type.find(';');
  if (semicolon != absl::string_view::npos) {
    content_type = content_type.substr(0, semicolon);
  }
  std::string type =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(content_type));
  absl::string_view rest = type;
  if (!absl::ConsumePrefix(
          &rest, streaming ? "application/connect+" : "application/")) {
    return std::nullopt;
  }
  return CodecOfName(rest);
}

std::string ContentTypeOf(Codec codec, bool streaming) {
  return absl::StrCat(streaming ? "application/connect+" : "application/",
                      CodecName(codec));
}

absl::StatusOr<std::string> ToBinary(Codec codec,
                                     const google::protobuf::Descriptor& type,
                                     std::string payload) {
  if (codec == Codec::kProto) return payload;
  if (absl::StripAsciiWhitespace(payload).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON for ", type.full_name(), ": empty body (send {})"));
  }
  std::unique_ptr<google::protobuf::Message> message = NewMessage(type);
  if (message == nullptr) {
    return absl::InternalError("message type not compiled in");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      payload, message.get(), options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON for ", type.full_name(), ": ",
                     parsed.message().as_string()));
  }
  return message->SerializeAsString();
}

absl::StatusOr<std::string> FromBinary(Codec codec,
                                       const google::protobuf::Descriptor& type,
                                       std::string binary) {
  if (codec == Codec::kProto) return binary;
  std::unique_ptr<google::protobuf::Message> message = NewMessage(type);
  if (message == nullptr || !message->ParseFromString(binary)) {
    return absl::InternalError("the response cannot be encoded");
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*message, &json).ok()) {
    return absl::InternalError("the response cannot be encoded");
  }
  return json;
}

}  // namespace rapport::connect
