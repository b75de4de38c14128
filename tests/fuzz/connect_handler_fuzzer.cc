// A whole Connect request served by ConnectHandler::Serve, as the HTTP port
// serves it: the HTTP method, the path (a method of the rapport.v1 services
// or not), the protocol headers, the query and the body, read in chunks of
// fuzzed sizes (or cut off). The calls it forwards reach an in-process gRPC
// server whose generic handler reads every request message and answers
// with an empty response (or, for some, an error and metadata echoed from
// the request), so that the whole path runs: admission, envelopes,
// decompression, JSON and proto conversion, forwarding, response headers,
// trailers and the end-of-stream message.
//
// Checks on every answer: exactly one response; an HTTP status Connect
// uses; header lines that hold no line break but their own; an error body
// that is Connect's JSON error document; a streaming body that is whole
// envelopes ending with an end-of-stream JSON message.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/admin.pb.h"
#include "rapport/v1/goal.pb.h"
#include "rapport/v1/outreach.pb.h"
#include "rapport/v1/recommendation.pb.h"
#include "rapport/v1/scoring.pb.h"
#include "rapport/v1/validation.pb.h"
#include "server/connect/envelope.h"
#include "server/connect/handler.h"
#include "server/connect/method_table.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/rapport_methods.h"

namespace rapport::fuzz {
namespace {

// Reads every message of a call; answers with an empty message, or with
// INVALID_ARGUMENT when the request asks (metadata x-fail), echoing the
// request's x-echo metadata as headers and trailers.
class Sink final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Sink(grpc::GenericCallbackServerContext* context) {
    for (const auto& [key, value] : context->client_metadata()) {
      const std::string k(key.data(), key.size());
      const std::string v(value.data(), value.size());
      if (k == "x-fail") fail_ = true;
      if (k == "x-echo" || k == "x-echo-bin") {
        context->AddInitialMetadata(k, v);
        context->AddTrailingMetadata(k, v);
      }
    }
    StartRead(&in_);
  }
  void OnReadDone(bool ok) override {
    if (ok) {
      in_.Clear();
      StartRead(&in_);
      return;
    }
    if (fail_) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "member_id: is required"));
      return;
    }
    grpc::Slice empty("");
    out_ = grpc::ByteBuffer(&empty, 1);
    StartWriteAndFinish(&out_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer in_, out_;
  bool fail_ = false;
};

class SinkService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new Sink(context);
  }
};

struct Fixture {
  SinkService service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<connect::ConnectHandler> handler;
  std::vector<std::string> paths;
};

Fixture* MakeFixture() {
  auto* f = new Fixture;
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&f->service);
  f->server = builder.BuildAndStart();
  Check(f->server != nullptr, "the in-process server did not start");
  connect::MethodTable methods = RapportMethods();
  for (const connect::Method& m : methods.methods()) f->paths.push_back(m.path);
  connect::Admit admit =
      [](const metrics::HttpCaller& caller,
         absl::string_view) -> absl::StatusOr<connect::Admission> {
    for (const auto& [name, value] : caller.headers) {
      if (name == "x-deny") return absl::PermissionDeniedError("denied");
    }
    connect::Admission admission;
    admission.metadata.emplace_back("x-rapport-principal", "fuzz");
    return admission;
  };
  connect::HandlerOptions options;
  options.max_message_bytes = 1 << 20;
  options.reserved_metadata = {"x-rapport-principal"};
  f->handler = std::make_unique<connect::ConnectHandler>(
      std::move(methods), f->server->InProcessChannel(grpc::ChannelArguments()),
      std::move(admit), std::move(options));
  return f;
}

class Exchange final : public metrics::HttpExchange {
 public:
  Exchange(metrics::HttpCaller caller, std::string method, std::string query,
           std::vector<std::string> chunks, bool cut_off)
      : caller_(std::move(caller)),
        method_(std::move(method)),
        query_(std::move(query)),
        chunks_(std::move(chunks)),
        cut_off_(cut_off) {}

  const metrics::HttpCaller& caller() const override { return caller_; }
  absl::string_view method() const override { return method_; }
  absl::string_view query() const override { return query_; }
  int64_t Read(char* buffer, size_t size) override {
    while (next_ < chunks_.size()) {
      std::string& chunk = chunks_[next_];
      if (chunk.empty()) {
        ++next_;
        continue;
      }
      const size_t n = std::min(size, chunk.size());
      std::memcpy(buffer, chunk.data(), n);
      chunk.erase(0, n);
      return static_cast<int64_t>(n);
    }
    return cut_off_ ? -1 : 0;
  }
  void Respond(int status, absl::string_view content_type,
               absl::string_view headers, absl::string_view body) override {
    Check(responses_ == 0, "a request answered twice");
    ++responses_;
    status_ = status;
    content_type_ = std::string(content_type);
    headers_ = std::string(headers);
    body_ = std::string(body);
  }

  int responses_ = 0;
  int status_ = 0;
  std::string content_type_, headers_, body_;

 private:
  const metrics::HttpCaller caller_;
  const std::string method_;
  const std::string query_;
  std::vector<std::string> chunks_;
  size_t next_ = 0;
  const bool cut_off_;
};

bool IsJsonObject(absl::string_view json) {
  google::protobuf::Struct parsed;
  return google::protobuf::util::JsonStringToMessage(std::string(json), &parsed)
      .ok();
}

void CheckAnswer(const Exchange& e) {
  Check(e.responses_ == 1, "a request left unanswered");
  static constexpr int kStatuses[] = {200, 400, 401, 403, 404, 405,
                                      408, 409, 412, 413, 415, 429,
                                      499, 500, 501, 503, 504};
  Check(std::find(std::begin(kStatuses), std::end(kStatuses), e.status_) !=
            std::end(kStatuses),
        absl::StrCat("an HTTP status Connect does not use: ", e.status_));
  Check(!e.content_type_.empty(), "a response without a content type");
  if (!e.headers_.empty()) {
    Check(absl::EndsWith(e.headers_, "\r\n"), "unterminated header lines");
    for (absl::string_view line : absl::StrSplit(
             absl::string_view(e.headers_).substr(0, e.headers_.size() - 2),
             "\r\n")) {
      Check(line.find_first_of("\r\n") == absl::string_view::npos,
            "a line break inside a response header");
      Check(line.find(": ") != absl::string_view::npos && line.find(':') > 0,
            absl::StrCat("a malformed header line: ", line));
    }
  }
  if (e.status_ != 200) {
    Check(e.content_type_ == "application/json", "an error that is not JSON");
    Check(IsJsonObject(e.body_),
          absl::StrCat("an error body that is not JSON: ", e.body_));
    return;
  }
  if (absl::StartsWith(e.content_type_, "application/connect+")) {
    connect::EnvelopeReader reader(64 << 20);
    reader.Add(e.body_);
    bool ended = false;
    while (true) {
      auto envelope = reader.Next();
      if (!envelope.ok()) Fail("a response envelope", envelope.status());
      if (!envelope->has_value()) break;
      Check(!ended, "an envelope after the end of the stream");
      if ((**envelope).flags & connect::kFlagEndStream) {
        ended = true;
        Check(IsJsonObject((**envelope).payload),
              absl::StrCat("an end-of-stream message that is not JSON: ",
                           (**envelope).payload));
      }
    }
    Check(ended && reader.AtBoundary(), "a stream without its end message");
  }
}

std::string Pick(FuzzedDataProvider& in,
                 std::initializer_list<const char*> values) {
  const size_t i = in.ConsumeIntegralInRange<size_t>(0, values.size());
  if (i == values.size()) return in.ConsumeRandomLengthString(40);
  return *(values.begin() + i);
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  static Fixture* const fixture = MakeFixture();
  FuzzedDataProvider in(data, size);
  rapport::metrics::HttpCaller caller;
  caller.remote_address = "127.0.0.1:4000";
  caller.path = in.ConsumeProbability<float>() < 0.95f
                    ? fixture->paths[in.ConsumeIntegralInRange<size_t>(
                          0, fixture->paths.size() - 1)]
                    : in.ConsumeRandomLengthString(64);
  const std::string method = Pick(in, {"POST", "GET", "PUT", "OPTIONS"});
  auto header = [&](const char* name, std::string value) {
    if (!value.empty()) caller.headers.emplace_back(name, std::move(value));
  };
  header("content-type",
         Pick(in, {"application/json", "application/proto",
                   "application/connect+json", "application/connect+proto",
                   "application/json; charset=utf-8", ""}));
  header("content-encoding", Pick(in, {"", "gzip", "identity"}));
  header("connect-content-encoding", Pick(in, {"", "gzip", "identity"}));
  header("connect-accept-encoding", Pick(in, {"", "gzip"}));
  header("accept-encoding", Pick(in, {"", "gzip", "gzip;q=0"}));
  header("connect-timeout-ms", Pick(in, {"", "", "10000", "0"}));
  header("connect-protocol-version", Pick(in, {"", "1"}));
  const int extra = in.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < extra; ++i) {
    std::string name = Pick(in, {"x-echo", "x-echo-bin", "x-fail", "x-deny",
                                 "x-rapport-principal", "grpc-timeout"});
    caller.headers.emplace_back(std::move(name),
                                in.ConsumeRandomLengthString(32));
  }
  const std::string query = in.ConsumeRandomLengthString(256);
  const bool cut_off = in.ConsumeProbability<float>() < 0.05f;
  std::vector<std::string> chunks;
  while (in.remaining_bytes() > 0 && chunks.size() < 32) {
    chunks.push_back(in.ConsumeRandomLengthString(8192));
  }
  Exchange exchange(std::move(caller), method, query, std::move(chunks),
                    cut_off);
  fixture->handler->Serve(exchange);
  CheckAnswer(exchange);
  return 0;
}
