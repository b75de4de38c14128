#include "server/connect/handler.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/connect/codes.h"
#include "server/connect/error_json.h"
#include "server/connect/get_request.h"

namespace rapport::connect {
namespace {

constexpr char kJsonType[] = "application/json";
constexpr char kUnaryTypes[] = "application/json, application/proto";
constexpr char kStreamTypes[] =
    "application/connect+json, application/connect+proto";
constexpr size_t kReadChunk = 64 << 10;

void SendUnsupportedType(metrics::HttpExchange& exchange,
                         absl::string_view content_type,
                         absl::string_view supported) {
  exchange.Respond(415, kJsonType,
                   absl::StrCat("Accept-Post: ", supported, "\r\n"),
                   ErrorJson(grpc::Status(
                       grpc::StatusCode::UNIMPLEMENTED,
                       absl::StrCat("content type \"", content_type,
                                    "\" is not supported: use ", supported))));
}

void SendMethodNotAllowed(metrics::HttpExchange& exchange,
                          absl::string_view allow, absl::string_view message) {
  exchange.Respond(405, kJsonType, absl::StrCat("Allow: ", allow, "\r\n"),
                   ErrorJson(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                          std::string(message))));
}

}  // namespace

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

void SendError(metrics::HttpExchange& exchange, const grpc::Status& status,
               absl::string_view extra_headers) {
  exchange.Respond(HttpStatusOf(status.error_code()), kJsonType, extra_headers,
                   ErrorJson(status));
}

ConnectHandler::ConnectHandler(MethodTable methods,
                               std::shared_ptr<grpc::Channel> channel,
                               Admit admit, HandlerOptions options)
    : methods_(std::move(methods)),
      forwarder_(std::move(channel)),
      admit_(std::move(admit)),
      options_(std::move(options)) {}

void ConnectHandler::Serve(metrics::HttpExchange& exchange) const {
  const std::string& path = exchange.caller().path;
  const Method* method = methods_.Find(path);
  if (method == nullptr) {
    // Connect answers an unknown procedure 404, and its code unimplemented.
    exchange.Respond(
        404, kJsonType, "",
        ErrorJson(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                               absl::StrCat("unknown method ", path))));
    return;
  }
  if (method->kind == CallKind::kOtherStreaming) {
    SendError(exchange, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                     absl::StrCat(path,
                                                  " streams responses: call it "
                                                  "over gRPC")));
    return;
  }
  const bool get_allowed =
      method->kind == CallKind::kUnary && method->no_side_effects;
  const absl::string_view verb = exchange.method();
  if (verb == "POST") return ServePost(exchange, *method);
  if (verb == "GET" && get_allowed) return ServeGet(exchange, *method);
  if (verb == "GET") {
    return SendMethodNotAllowed(
        exchange, "POST",
        absl::StrCat(path, " has side effects: call it with POST"));
  }
  SendMethodNotAllowed(exchange, get_allowed ? "GET, POST" : "POST",
                       absl::StrCat(verb, " is not a Connect method: use ",
                                    get_allowed ? "GET or POST" : "POST"));
}

grpc::Status ConnectHandler::Begin(metrics::HttpExchange& exchange,
                                   Call* call) const {
  if (std::optional<absl::string_view> version =
          exchange.header("connect-protocol-version");
      version.has_value() && *version != "1") {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("Connect-Protocol-Version \"", *version,
                                     "\" is not supported (1)"));
  }
  if (std::optional<absl::string_view> timeout =
          exchange.header("connect-timeout-ms")) {
    absl::StatusOr<int64_t> ms = ParseTimeoutMs(*timeout);
    if (!ms.ok()) return ToGrpc(ms.status());
    // Already past: gRPC's in-process transport could still complete a
    // fast call, where a network call would not even start.
    if (*ms == 0) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "Deadline Exceeded");
    }
    call->setup.deadline =
        std::chrono::system_clock::now() + std::chrono::milliseconds(*ms);
  }
  call->setup.method = call->method->path;
  absl::StatusOr<Admission> admission =
      admit_(exchange.caller(), call->method->path);
  if (!admission.ok()) return ToGrpc(admission.status());
  call->setup.metadata =
      MetadataOfHeaders(exchange.caller().headers, options_.reserved_metadata);
  for (auto& entry : admission->metadata) {
    call->setup.metadata.push_back(std::move(entry));
  }
  call->hold = std::move(admission->hold);
  return grpc::Status::OK;
}

absl::StatusOr<std::string> ConnectHandler::ReadBody(
    metrics::HttpExchange& exchange) const {
  std::string body;
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    const int64_t n = exchange.Read(chunk.data(), chunk.size());
    if (n < 0) return absl::InvalidArgumentError("incomplete request body");
    if (n == 0) return body;
    if (body.size() + n > options_.max_message_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("request message larger than max (",
                       options_.max_message_bytes, " bytes)"));
    }
    body.append(chunk.data(), n);
  }
}

void ConnectHandler::ServePost(metrics::HttpExchange& exchange,
                               const Method& method) const {
  const bool streaming = method.kind == CallKind::kClientStreaming;
  const absl::string_view content_type =
      exchange.header("content-type").value_or("");
  std::optional<Codec> codec = CodecOfContentType(content_type, streaming);
  if (!codec.has_value()) {
    return SendUnsupportedType(exchange, content_type,
                               streaming ? kStreamTypes : kUnaryTypes);
  }
  Call call;
  call.method = &method;
  call.codec = *codec;
  if (streaming) return ServeClientStream(exchange, std::move(call));
  absl::StatusOr<Compression> compression =
      ParseCompression(exchange.header("content-encoding").value_or(""));
  if (!compression.ok())
    return SendError(exchange, ToGrpc(compression.status()));
  if (grpc::Status begun = Begin(exchange, &call); !begun.ok()) {
    return SendError(exchange, begun);
  }
  absl::StatusOr<std::string> body = ReadBody(exchange);
  if (!body.ok()) return SendError(exchange, ToGrpc(body.status()));
  ServeUnary(exchange, std::move(call), *compression, *std::move(body));
}

void ConnectHandler::ServeGet(metrics::HttpExchange& exchange,
                              const Method& method) const {
  absl::StatusOr<GetRequest> request = ParseGetQuery(exchange.query());
  if (absl::IsFailedPrecondition(request.status())) {
    // Connect's "unsupported codec" for GET: the encoding parameter.
    return exchange.Respond(
        415, kJsonType, absl::StrCat("Accept-Post: ", kUnaryTypes, "\r\n"),
        ErrorJson(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                               std::string(request.status().message()))));
  }
  if (!request.ok()) return SendError(exchange, ToGrpc(request.status()));
  Call call;
  call.method = &method;
  call.codec = request->codec;
  if (grpc::Status begun = Begin(exchange, &call); !begun.ok()) {
    return SendError(exchange, begun);
  }
  ServeUnary(exchange, std::move(call), request->compression,
             std::move(request->message));
}

void ConnectHandler::ServeUnary(metrics::HttpExchange& exchange, Call call,
                                Compression compression,
                                std::string body) const {
  absl::StatusOr<std::string> message =
      Decompress(compression, body, options_.max_message_bytes);
  if (!message.ok()) return SendError(exchange, ToGrpc(message.status()));
  absl::StatusOr<std::string> request = ToBinary(
      call.codec, *call.method->descriptor->input_type(), *std::move(message));
  if (!request.ok()) return SendError(exchange, ToGrpc(request.status()));
  CallResult result = forwarder_.Unary(call.setup, *request);
  std::string headers = HeaderLines(result.headers);
  for (auto& [key, value] : result.trailers) key.insert(0, "trailer-");
  headers += HeaderLines(result.trailers);
  if (!result.status.ok()) return SendError(exchange, result.status, headers);
  absl::StatusOr<std::string> response =
      FromBinary(call.codec, *call.method->descriptor->output_type(),
                 std::move(result.response));
  if (!response.ok()) return SendError(exchange, ToGrpc(response.status()));
  if (ChooseResponseCompression(
          exchange.header("accept-encoding").value_or("")) ==
      Compression::kGzip) {
    if (std::optional<std::string> gz = Gzip(*response)) {
      *response = *std::move(gz);
      headers += "Content-Encoding: gzip\r\n";
    }
  }
  exchange.Respond(200, ContentTypeOf(call.codec, /*streaming=*/false), headers,
                   *response);
}

}  // namespace rapport::connect
