// ConnectHandler: the Connect protocol (connectrpc.com/docs/protocol) on
// the HTTP port, for every method of a MethodTable:
//
//   POST /pkg.Service/Method     unary, Content-Type application/json or
//                                application/proto
//   GET  /pkg.Service/Method?... unary methods marked NO_SIDE_EFFECTS
//   POST /pkg.Service/Method     client streaming, Content-Type
//                                application/connect+json or +proto
//
// Each call is admitted (see Admit), then forwarded to the server's gRPC
// handlers through the in-process channel (see Forwarder): the protocol is
// translated here, every RPC is implemented once, by its gRPC handler.
// Thread-safe: Serve runs on the HTTP threads, several at once.
#ifndef RAPPORT_SERVER_CONNECT_HANDLER_H_
#define RAPPORT_SERVER_CONNECT_HANDLER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "server/connect/codec.h"
#include "server/connect/compression.h"
#include "server/connect/forwarder.h"
#include "server/connect/headers.h"
#include "server/connect/method_table.h"
#include "server/metrics/metrics_endpoint.h"

namespace rapport::connect {

// What the in-process call of an admitted caller carries.
struct Admission {
  // Metadata added to the in-process call (the caller's identity).
  HeaderList metadata;
  // Kept alive until the call has ended.
  std::shared_ptr<const void> hold;
};

// Decides whether `caller` may call `method` ("/pkg.Service/Method"): the
// admission, or the error to answer (UNAUTHENTICATED, PERMISSION_DENIED,
// UNAVAILABLE), with the message a gRPC caller would get.
using Admit = std::function<absl::StatusOr<Admission>(
    const metrics::HttpCaller& caller, absl::string_view method)>;

struct HandlerOptions {
  // The largest message, in bytes, after decompression (gRPC's limit).
  size_t max_message_bytes = 16 << 20;
  // Metadata keys a request's headers may not set (Admission's keys).
  absl::flat_hash_set<std::string> reserved_metadata;
};

class ConnectHandler {
 public:
  ConnectHandler(MethodTable methods, std::shared_ptr<grpc::Channel> channel,
                 Admit admit, HandlerOptions options);

  // Answers one request; never throws.
  void Serve(metrics::HttpExchange& exchange) const;

 private:
  // The parts of a request common to unary and streaming calls.
  struct Call {
    const Method* method = nullptr;
    Codec codec = Codec::kJson;
    CallSetup setup;
    std::shared_ptr<const void> hold;
  };

  // Checks the protocol headers and admits the caller into `call` (whose
  // method and codec are set); the error to answer otherwise.
  grpc::Status Begin(metrics::HttpExchange& exchange, Call* call) const;
  void ServeUnary(metrics::HttpExchange& exchange, Call call,
                  Compression compression, std::string body) const;
  void ServeGet(metrics::HttpExchange& exchange, const Method& method) const;
  void ServePost(metrics::HttpExchange& exchange, const Method& method) const;
  void ServeClientStream(metrics::HttpExchange& exchange, Call call) const;
  // Reads the request's envelopes and writes their messages to `stream`;
  // see client_stream.cc.
  grpc::Status ForwardMessages(metrics::HttpExchange& exchange,
                               const Call& call, Compression compression,
                               ClientStream& stream) const;
  // Reads the whole body, refusing one longer than max_message_bytes.
  absl::StatusOr<std::string> ReadBody(metrics::HttpExchange& exchange) const;

  const MethodTable methods_;
  const Forwarder forwarder_;
  const Admit admit_;
  const HandlerOptions options_;
};

// Sends a unary Connect error: the code's HTTP status, a JSON body.
void SendError(metrics::HttpExchange& exchange, const grpc::Status& status,
               absl::string_view extra_headers = "");

// `status` as a grpc::Status (the codes are the same).
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace rapport::connect

#endif  // RAPPORT_SERVER_CONNECT_HANDLER_H_
