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

// The response of a streaming call: `body` (a message envelope, or
// nothing), then the end-of-stream message.
void SendStreamEnd(metrics::HttpExchange& exchange, Codec codec,
                   const std::string& headers, std::string body,
                   const grpc::Status& status, const HeaderList& trailers) {
  body += EncodeEnvelope(kFlagEndStream, EndOfStreamJson(status, trailers));
  exchange.Respond(200, ContentTypeOf(codec, /*streaming=*/true), headers,
                   body);
}

// `status` with its message prefixed by the position of the message at
// fault.
grpc::Status AtMessage(int64_t index, const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      absl::StrCat("message ", index, ": ", status.message()));
}

}  // namespace

// How the request's messages went: OK when the body ended (or the handler
// ended the call early, which Finish reports), or the error that ends the
// call instead of the handler's status.
grpc::Status ConnectHandler::ForwardMessages(metrics::HttpExchange& exchange,
                                             const Call& call,
                                             Compression compression,
                                             ClientStream& stream) const {
  const google::protobuf::Descriptor& input =
      *call.method->descriptor->input_type();
  EnvelopeReader reader(options_.max_message_bytes);
  std::string chunk(kReadChunk, '\0');
  for (int64_t index = 0;;) {
    const int64_t n = exchange.Read(chunk.data(), chunk.size());
    if (n < 0) {
      return grpc::Status(grpc::StatusCode::CANCELLED,
                          "the request body was cut off");
    }
    if (n == 0) break;
    reader.Add(absl::string_view(chunk.data(), n));
    for (;;) {
      absl::StatusOr<std::optional<Envelope>> next = reader.Next();
      if (!next.ok()) return AtMessage(index, next.status());
      if (!next->has_value()) break;
      Envelope& envelope = **next;
      // A client's stream ends with its body; an end-of-stream envelope
      // ends it too.
      if (envelope.flags & kFlagEndStream) return grpc::Status::OK;
      const bool compressed = envelope.flags & kFlagCompressed;
      if (compressed && compression == Compression::kIdentity) {
        return AtMessage(index, absl::InvalidArgumentError(
                                    "compressed, but the request names no "
                                    "Connect-Content-Encoding"));
      }
      absl::StatusOr<std::string> payload =
          compressed ? Decompress(compression, envelope.payload,
                                  options_.max_message_bytes)
                     : std::move(envelope.payload);
      if (payload.ok()) {
        payload = ToBinary(call.codec, input, *std::move(payload));
      }
      if (!payload.ok()) return AtMessage(index, payload.status());
      ++index;
      // False: the handler has ended the call; Finish says how.
      if (!stream.Write(*payload)) return grpc::Status::OK;
    }
  }
  if (!reader.AtBoundary()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the request body ends inside a message");
  }
  return grpc::Status::OK;
}

void ConnectHandler::ServeClientStream(metrics::HttpExchange& exchange,
                                       Call call) const {
  absl::StatusOr<Compression> compression = ParseCompression(
      exchange.header("connect-content-encoding").value_or(""));
  grpc::Status begun =
      compression.ok() ? Begin(exchange, &call) : ToGrpc(compression.status());
  if (!begun.ok()) {
    return SendStreamEnd(exchange, call.codec, "", "", begun, {});
  }
  std::unique_ptr<ClientStream> stream =
      forwarder_.StartClientStream(call.setup);
  if (grpc::Status forwarded =
          ForwardMessages(exchange, call, *compression, *stream);
      !forwarded.ok()) {
    stream->Cancel();
    return SendStreamEnd(exchange, call.codec, "", "", forwarded, {});
  }
  CallResult result = stream->Finish();
  std::string headers = HeaderLines(result.headers);
  std::string body;
  if (result.status.ok()) {
    absl::StatusOr<std::string> response =
        FromBinary(call.codec, *call.method->descriptor->output_type(),
                   std::move(result.response));
    if (!response.ok()) {
      return SendStreamEnd(exchange, call.codec, "", "",
                           ToGrpc(response.status()), {});
    }
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
  SendStreamEnd(exchange, call.codec, headers, std::move(body), result.status,
                result.trailers);
}

}  // namespace rapport::connect
