// A Connect request on the HTTP port (server/connect): the method, the
// headers (Content-Type, Content-Encoding, Connect-Timeout-Ms, any other),
// the GET query and the body are all the client's. FuzzedDataProvider
// splits the input into them, and the request goes through what
// ConnectHandler does before it forwards a call, in its order:
//   Connect-Timeout-Ms (ParseTimeoutMs), the headers that become metadata
//   (MetadataOfHeaders); for POST the codec (CodecOfContentType) and the
//   compression (ParseCompression), for a client-streaming method the
//   envelopes (EnvelopeReader, fed in fuzzed chunks), for GET the query
//   (ParseGetQuery); then Decompress and ToBinary into the method's request
//   type. A message that converts must parse as that type, and convert
//   back (FromBinary) in the same codec.
// Every error is answered as Connect's JSON error document (ErrorJson),
// which must be JSON whose "code" is the error's code, whatever bytes the
// message quotes; metadata sent back as response headers (HeaderLines)
// never holds a line break but their own.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/support/status.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/admin.pb.h"
#include "rapport/v1/goal.pb.h"
#include "rapport/v1/outreach.pb.h"
#include "rapport/v1/recommendation.pb.h"
#include "rapport/v1/scoring.pb.h"
#include "rapport/v1/validation.pb.h"
#include "server/connect/codec.h"
#include "server/connect/codes.h"
#include "server/connect/compression.h"
#include "server/connect/envelope.h"
#include "server/connect/error_json.h"
#include "server/connect/get_request.h"
#include "server/connect/headers.h"
#include "server/connect/method_table.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/rapport_methods.h"

namespace rapport::fuzz {
namespace {

constexpr size_t kMaxMessage = 1 << 20;

// What the client would get for `status`: the error document must be JSON
// carrying the status's code.
void Answer(const absl::Status& status) {
  if (status.ok()) return;
  const grpc::Status grpc_status(static_cast<grpc::StatusCode>(status.code()),
                                 std::string(status.message()));
  const std::string json = connect::ErrorJson(grpc_status);
  google::protobuf::Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) {
    Fail(absl::StrCat("ErrorJson is not JSON: ", json), status);
  }
  const auto code = parsed.fields().find("code");
  if (code == parsed.fields().end() ||
      code->second.string_value() !=
          connect::CodeName(grpc_status.error_code())) {
    Fail(absl::StrCat("ErrorJson does not carry the code: ", json), status);
  }
  Check(connect::HttpStatusOf(grpc_status.error_code()) >= 400,
        "an error answered with a success status");
}

// A message payload of the call, as the handler converts it.
void Payload(const connect::Method& method, connect::Codec codec,
             connect::Compression compression, const std::string& payload) {
  absl::StatusOr<std::string> message =
      connect::Decompress(compression, payload, kMaxMessage);
  ExpectCodeIn(message.status(),
               {absl::StatusCode::kInvalidArgument,
                absl::StatusCode::kResourceExhausted},
               "Decompress");
  Answer(message.status());
  if (!message.ok()) return;
  Check(message->size() <= kMaxMessage, "Decompress exceeded its limit");
  const google::protobuf::Descriptor& type = *method.descriptor->input_type();
  absl::StatusOr<std::string> binary =
      connect::ToBinary(codec, type, *std::move(message));
  ExpectCodeIn(binary.status(), {absl::StatusCode::kInvalidArgument},
               "ToBinary");
  Answer(binary.status());
  if (!binary.ok()) return;
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(&type)
          ->New());
  const bool parses = request->ParseFromString(*binary);
  if (codec == connect::Codec::kJson) {
    Check(parses, "JSON converted to bytes that do not parse");
  }
  if (!parses) return;
  absl::StatusOr<std::string> back = connect::FromBinary(codec, type, *binary);
  if (!back.ok()) Fail("FromBinary of a parsed message", back.status());
}

void Stream(const connect::Method& method, connect::Codec codec,
            connect::Compression compression, FuzzedDataProvider& in) {
  connect::EnvelopeReader reader(kMaxMessage);
  for (int chunks = 0; chunks < 64 && in.remaining_bytes() > 0; ++chunks) {
    reader.Add(in.ConsumeRandomLengthString(4096));
    for (int n = 0; n < 256; ++n) {
      auto envelope = reader.Next();
      ExpectCodeIn(envelope.status(), {absl::StatusCode::kResourceExhausted},
                   "EnvelopeReader::Next");
      Answer(envelope.status());
      if (!envelope.ok()) return;
      if (!envelope->has_value()) break;
      const connect::Envelope& e = **envelope;
      Check(e.payload.size() <= kMaxMessage, "an envelope over the limit");
      if ((e.flags & connect::kFlagEndStream) != 0) continue;
      Payload(method, codec,
              (e.flags & connect::kFlagCompressed) != 0
                  ? compression
                  : connect::Compression::kIdentity,
              e.payload);
    }
  }
  (void)reader.AtBoundary();
}

void Headers(FuzzedDataProvider& in) {
  connect::HeaderList headers;
  const int n = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < n; ++i) {
    std::string name = in.ConsumeRandomLengthString(24);
    std::string value = in.ConsumeRandomLengthString(64);
    headers.emplace_back(std::move(name), std::move(value));
  }
  const connect::HeaderList metadata =
      connect::MetadataOfHeaders(headers, {"x-rapport-principal"});
  for (const auto& [name, value] : metadata) {
    Check(name != "x-rapport-principal", "a reserved key passed");
    Check(name != "authorization", "authorization passed as metadata");
  }
  // Metadata goes back out as response headers (the handler's, echoed).
  const std::string lines = connect::HeaderLines(metadata);
  size_t line_count = 0;
  for (absl::string_view line : absl::StrSplit(lines, "\r\n")) {
    if (!line.empty()) ++line_count;
    Check(line.find('\n') == absl::string_view::npos &&
              line.find('\r') == absl::string_view::npos,
          "HeaderLines let a line break through");
  }
  Check(line_count <= metadata.size(), "HeaderLines made extra lines");
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  namespace connect = rapport::connect;
  const auto& methods = RapportMethods().methods();
  FuzzedDataProvider in(data, size);
  const connect::Method& method =
      methods[in.ConsumeIntegralInRange<size_t>(0, methods.size() - 1)];
  const bool get = in.ConsumeBool();
  const std::string timeout = in.ConsumeRandomLengthString(16);
  const std::string content_type = in.ConsumeRandomLengthString(48);
  const std::string encoding = in.ConsumeRandomLengthString(16);
  const std::string accept = in.ConsumeRandomLengthString(32);
  Headers(in);

  (void)connect::ChooseResponseCompression(accept);
  if (!timeout.empty()) {
    absl::StatusOr<int64_t> ms = connect::ParseTimeoutMs(timeout);
    ExpectCodeIn(ms.status(), {absl::StatusCode::kInvalidArgument},
                 "ParseTimeoutMs");
    Answer(ms.status());
    if (ms.ok()) Check(*ms >= 0 && *ms <= 9999999999, "timeout range");
  }
  if (get) {
    absl::StatusOr<connect::GetRequest> request =
        connect::ParseGetQuery(in.ConsumeRemainingBytesAsString());
    ExpectCodeIn(
        request.status(),
        {absl::StatusCode::kInvalidArgument, absl::StatusCode::kUnimplemented,
         absl::StatusCode::kFailedPrecondition},
        "ParseGetQuery");
    Answer(request.status());
    if (!request.ok()) return 0;
    Payload(method, request->codec, request->compression, request->message);
    return 0;
  }
  const bool streaming = method.kind == connect::CallKind::kClientStreaming;
  std::optional<connect::Codec> codec =
      connect::CodecOfContentType(content_type, streaming);
  if (!codec.has_value()) return 0;  // 415, a fixed message.
  absl::StatusOr<connect::Compression> compression =
      connect::ParseCompression(encoding);
  ExpectCodeIn(compression.status(), {absl::StatusCode::kUnimplemented},
               "ParseCompression");
  Answer(compression.status());
  if (!compression.ok()) return 0;
  if (streaming) {
    Stream(method, *codec, *compression, in);
  } else {
    Payload(method, *codec, *compression, in.ConsumeRemainingBytesAsString());
  }
  // A response body compressed and read back.
  const std::string body = std::string(reinterpret_cast<const char*>(data),
                                       std::min<size_t>(size, 512));
  if (std::optional<std::string> gz = connect::Gzip(body)) {
    auto back =
        connect::Decompress(connect::Compression::kGzip, *gz, kMaxMessage);
    if (!back.ok()) Fail("Gzip output does not decompress", back.status());
    Check(*back == body, "gzip round trip");
  }
  return 0;
}
