// Connect's codecs: proto (the binary wire format, which gRPC carries
// as is) and json (the proto3 JSON mapping), converted through the
// descriptor of the message. Thread-safe.
#ifndef RAPPORT_SERVER_CONNECT_CODEC_H_
#define RAPPORT_SERVER_CONNECT_CODEC_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace rapport::connect {

enum class Codec { kProto, kJson };

// "proto" or "json".
absl::string_view CodecName(Codec codec);

// The codec of a codec name ("proto", "json"); nullopt for others.
std::optional<Codec> CodecOfName(absl::string_view name);

// The codec of a unary request's Content-Type (application/proto,
// application/json, with any parameters such as "; charset=utf-8"), or of
// a streaming request's (application/connect+proto, application/connect+
// json) when `streaming`; nullopt for any other type.
std::optional<Codec> CodecOfContentType(absl::string_view content_type,
                                        bool streaming);

// The Content-Type of a response in `codec`.
std::string ContentTypeOf(Codec codec, bool streaming);

// `payload` in `codec` as the binary wire format of `type`. For json,
// INVALID_ARGUMENT naming the type and the parser's complaint when it is
// not valid JSON for `type` (unknown fields are refused, and so is an
// empty payload); for proto the bytes pass as they are (the handler
// parses them, as for gRPC).
absl::StatusOr<std::string> ToBinary(Codec codec,
                                     const google::protobuf::Descriptor& type,
                                     std::string payload);

// `binary` (a `type` in the wire format) in `codec`; INTERNAL when it
// cannot be parsed.
absl::StatusOr<std::string> FromBinary(Codec codec,
                                       const google::protobuf::Descriptor& type,
                                       std::string binary);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_CODEC_H_
