// ConnectHandler's client-streaming calls: the request body is read as it
// arrives, envelope by envelope, and each message is handed to the gRPC
// handler before the next is read, so a long import holds one message (and
// one read buffer) at a time.
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/connect/envelope.h"
#include "server/connect/error_json.h"
#include "server/connect/handler.h"

namespace rapport::connect {
namespace {

constexpr size_t kReadChunk = 64 << 10;

// The response of a streaming call: an optional message envelope, then the
// end-of-stream message.
void SendStreamEnd(metrics::HttpExchange& exchange, Codec codec,
                   std::string headers, std::string body,
                   const grpc::Status& status, const HeaderList& trailers) {
  body += EncodeEnvelope(kFlagEndStream, EndOfStreamJson(status, trailers));
  exchange.Respond(200, ContentTypeOf(codec, /*streaming=*/true), headers,
                   body);
}

}  // namespace

void ConnectHandler::ServeClientStream(metrics::HttpExchange& exchange,
                                       Call call) const {
  const auto fail = [&](const grpc::Status& status) {
    SendStreamEnd(exchange, call.codec, "", "", status, {});
  };
  absl::StatusOr<Compression> compression = ParseCompression(
      exchange.header("connect-content-encoding").value_or(""));
  if (!compression.ok()) return fail(ToGrpc(compression.status()));
  if (grpc::Status begun = Begin(exchange, &call); !begun.ok()) {
    return fail(begun);
  }
  const google::protobuf::Descriptor& input =
      *call.method->descriptor->input_type();
  std::unique_ptr<ClientStream> stream =
      forwarder_.StartClientStream(call.setup);
  // Stops the call and answers `status` instead of the handler's.
  const auto cancel_with = [&](const grpc::Status& status) {
    stream->Cancel();
    fail(status);
  };
  EnvelopeReader reader(options_.max_message_bytes);
  std::string chunk(kReadChunk, '\0');
  int64_t index = 0;
  bool handler_done = false;
  bool end_stream = false;
  while (!handler_done && !end_stream) {
    const int64_t n = exchange.Read(chunk.data(), chunk.size());
    if (n < 0) {
      return cancel_with(grpc::Status(grpc::StatusCode::CANCELLED,
                                "the request body was cut off"));
    }
    if (n == 0) break;
    reader.Add(absl::string_view(chunk.data(), n));
    for (;;) {
      absl::StatusOr<std::optional<Envelope>> next = reader.Next();
      if (!next.ok()) {
        return cancel_with(ToGrpc(absl::Status(
            next.status().code(),
            absl::StrCat("message ", index, ": ", next.status().message()))));
      }
      if (!next->has_value()) break;
      Envelope& envelope = **next;
      if (envelope.flags & kFlagEndStream) {
        end_stream = true;
        break;
      }
      if ((envelope.flags & kFlagCompressed) &&
          *compression == Compression::kIdentity) {
        return cancel_with(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("message ", index,
                         " is compressed but the request names no "
                         "Connect-Content-Encoding")));
      }
      absl::StatusOr<std::string> payload =
          (envelope.flags & kFlagCompressed)
              ? Decompress(*compression, envelope.payload,
                           options_.max_message_bytes)
              : absl::StatusOr<std::string>(std::move(envelope.payload));
      absl::StatusOr<std::string> binary =
          payload.ok() ? ToBinary(call.codec, input, *std::move(payload))
                       : payload;
      if (!binary.ok()) {
        return cancel_with(ToGrpc(absl::Status(
            binary.status().code(),
            absl::StrCat("message ", index, ": ", binary.status().message()))));
      }
      ++index;
      // False: the handler has ended the call (Finish tells how).
      if (!stream->Write(*binary)) {
        handler_done = true;
        break;
      }
    }
  }
  if (!handler_done && !end_stream && !reader.AtBoundary()) {
    return cancel_with(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "the request body ends inside a message"));
  }
  CallResult result = stream->Finish();
  std::string headers = HeaderLines(result.headers);
  std::string body;
  if (result.status.ok()) {
    absl::StatusOr<std::string> response =
        FromBinary(call.codec, *call.method->descriptor->output_type(),
                   std::move(result.response));
    if (!response.ok()) return fail(ToGrpc(response.status()));
    uint8_t flags = 0;
    if (ChooseResponseCompression(
            exchange.header("connect-accept-encoding").value_or("")) ==
        Compression::kGzip) {
      if (std::optional<std::string> gz = Gzip(*response)) {
        *response = *std::move(gz);
        flags = kFlagCompressed;
        headers += "Connect-Content-Encoding: gzip\r\n";
      }
    }
    body = EncodeEnvelope(flags, *response);
  }
  SendStreamEnd(exchange, call.codec, std::move(headers), std::move(body),
                result.status, result.trailers);
}

}  // namespace rapport::connect
