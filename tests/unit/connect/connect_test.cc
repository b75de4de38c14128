// The Connect protocol's pure parts, over generated inputs where a rule
// holds for all of them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.pb.h"
#include "server/connect/codec.h"
#include "server/connect/codes.h"
#include "server/connect/compression.h"
#include "server/connect/envelope.h"
#include "server/connect/error_json.h"
#include "server/connect/get_request.h"
#include "server/connect/headers.h"

namespace rapport::connect {
namespace {

using google::protobuf::Struct;

std::string RandomBytes(absl::BitGen& gen, size_t max) {
  std::string out(absl::Uniform<size_t>(gen, 0, max + 1), '\0');
  for (char& c : out) c = static_cast<char>(absl::Uniform<int>(gen, 0, 256));
  return out;
}

Struct ParseJson(const std::string& json) {
  Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok())
      << json;
  return parsed;
}

// --- Envelopes ---------------------------------------------------------

TEST(EnvelopeTest, HeaderIsFlagsThenBigEndianLength) {
  const std::string encoded = EncodeEnvelope(kFlagEndStream, "abc");
  ASSERT_EQ(encoded.size(), 8u);
  EXPECT_EQ(encoded.substr(0, 5), std::string("\x02\x00\x00\x00\x03", 5));
  EXPECT_EQ(encoded.substr(5), "abc");
  const std::string big = EncodeEnvelope(0, std::string(0x010203, 'x'));
  EXPECT_EQ(big.substr(0, 5), std::string("\x00\x00\x01\x02\x03", 5));
}

TEST(EnvelopeTest, ReaderRecoversEveryEnvelopeWhateverTheSplits) {
  absl::BitGen gen;
  for (int round = 0; round < 200; ++round) {
    std::vector<Envelope> sent;
    std::string stream;
    const int count = absl::Uniform<int>(gen, 0, 8);
    for (int i = 0; i < count; ++i) {
      Envelope e;
      e.flags = static_cast<uint8_t>(absl::Uniform<int>(gen, 0, 4));
      e.payload = RandomBytes(gen, 300);
      stream += EncodeEnvelope(e.flags, e.payload);
      sent.push_back(std::move(e));
    }
    EnvelopeReader reader(300);
    std::vector<Envelope> received;
    size_t at = 0;
    while (at < stream.size()) {
      const size_t n = absl::Uniform<size_t>(gen, 1, 40);
      reader.Add(absl::string_view(stream).substr(at, n));
      at += n;
      for (;;) {
        auto next = reader.Next();
        ASSERT_TRUE(next.ok()) << next.status();
        if (!next->has_value()) break;
        received.push_back(**std::move(next));
      }
      // Between envelopes exactly when the bytes so far end one.
      size_t ends = 0;
      for (const Envelope& e : sent) {
        ends += kEnvelopeHeaderSize + e.payload.size();
        if (ends >= std::min(at, stream.size())) break;
      }
      EXPECT_EQ(reader.AtBoundary(), ends == std::min(at, stream.size()));
    }
    ASSERT_EQ(received.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(received[i].flags, sent[i].flags);
      EXPECT_EQ(received[i].payload, sent[i].payload);
    }
    EXPECT_TRUE(reader.AtBoundary());
  }
}

TEST(EnvelopeTest, TruncatedStreamIsNotAtABoundary) {
  const std::string stream = EncodeEnvelope(0, "hello");
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    EnvelopeReader reader(100);
    reader.Add(stream.substr(0, cut));
    auto next = reader.Next();
    ASSERT_TRUE(next.ok());
    EXPECT_FALSE(next->has_value());
    EXPECT_FALSE(reader.AtBoundary());
  }
}

TEST(EnvelopeTest, LengthOverTheLimitIsResourceExhaustedBeforeThePayload) {
  EnvelopeReader reader(10);
  reader.Add(EncodeEnvelope(0, std::string(11, 'x')).substr(0, 5));
  auto next = reader.Next();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kResourceExhausted);
  EnvelopeReader exact(10);
  exact.Add(EncodeEnvelope(0, std::string(10, 'x')));
  auto ok = exact.Next();
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->payload, std::string(10, 'x'));
}

// --- Codes -------------------------------------------------------------

TEST(CodesTest, EveryErrorCodeHasANameThatMapsBack) {
  for (int code = 1; code <= 16; ++code) {
    const auto c = static_cast<grpc::StatusCode>(code);
    std::optional<grpc::StatusCode> back = CodeOfName(CodeName(c));
    ASSERT_TRUE(back.has_value()) << code;
    EXPECT_EQ(*back, c);
  }
  EXPECT_EQ(CodeName(grpc::StatusCode::CANCELLED), "canceled");
  EXPECT_FALSE(CodeOfName("cancelled").has_value());
  EXPECT_FALSE(CodeOfName("ok").has_value());
}

TEST(CodesTest, HttpStatusesFollowTheSpecification) {
  const std::vector<std::pair<grpc::StatusCode, int>> expected = {
      {grpc::StatusCode::CANCELLED, 499},
      {grpc::StatusCode::UNKNOWN, 500},
      {grpc::StatusCode::INVALID_ARGUMENT, 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
      {grpc::StatusCode::NOT_FOUND, 404},
      {grpc::StatusCode::ALREADY_EXISTS, 409},
      {grpc::StatusCode::PERMISSION_DENIED, 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, 429},
      {grpc::StatusCode::FAILED_PRECONDITION, 400},
      {grpc::StatusCode::ABORTED, 409},
      {grpc::StatusCode::OUT_OF_RANGE, 400},
      {grpc::StatusCode::UNIMPLEMENTED, 501},
      {grpc::StatusCode::INTERNAL, 500},
      {grpc::StatusCode::UNAVAILABLE, 503},
      {grpc::StatusCode::DATA_LOSS, 500},
      {grpc::StatusCode::UNAUTHENTICATED, 401},
  };
  for (const auto& [code, status] : expected) {
    EXPECT_EQ(HttpStatusOf(code), status) << CodeName(code);
  }
}

// --- Error documents ---------------------------------------------------

std::string StatusDetailsBin(const std::vector<google::protobuf::Any>& anys) {
  // google.rpc.Status{code=3, message="m", details=anys}, hand-encoded.
  std::string out = std::string("\x08\x03\x12\x01m", 5);
  for (const google::protobuf::Any& any : anys) {
    const std::string bytes = any.SerializeAsString();
    out.push_back(static_cast<char>(3 << 3 | 2));
    out.push_back(static_cast<char>(bytes.size()));  // < 128 here.
    out += bytes;
  }
  return out;
}

TEST(ErrorJsonTest, CodeMessageAndDetailsAsBase64WithoutPadding) {
  absl::BitGen gen;
  for (int round = 0; round < 50; ++round) {
    std::vector<google::protobuf::Any> anys(absl::Uniform<int>(gen, 1, 4));
    for (google::protobuf::Any& any : anys) {
      any.set_type_url(absl::StrCat("type.googleapis.com/google.rpc.T",
                                    absl::Uniform<int>(gen, 0, 100)));
      any.set_value(RandomBytes(gen, 30));
    }
    const std::string message = absl::StrCat("bad \"member\" ", round, "\n");
    const Struct json = ParseJson(ErrorJson(grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT, message, StatusDetailsBin(anys))));
    EXPECT_EQ(json.fields().at("code").string_value(), "invalid_argument");
    EXPECT_EQ(json.fields().at("message").string_value(), message);
    const auto& details = json.fields().at("details").list_value();
    ASSERT_EQ(details.values_size(), static_cast<int>(anys.size()));
    for (size_t i = 0; i < anys.size(); ++i) {
      const auto& d = details.values(static_cast<int>(i)).struct_value();
      EXPECT_EQ(d.fields().at("type").string_value(),
                anys[i].type_url().substr(20));
      const std::string value = d.fields().at("value").string_value();
      EXPECT_EQ(value.find('='), std::string::npos);
      std::string decoded;
      ASSERT_TRUE(absl::Base64Unescape(value, &decoded));
      EXPECT_EQ(decoded, anys[i].value());
    }
  }
}

TEST(ErrorJsonTest, NoMessageOrDetailsWhenEmptyAndGarbageDetailsDropped) {
  const Struct json = ParseJson(
      ErrorJson(grpc::Status(grpc::StatusCode::NOT_FOUND, "", "\xff\xff\xff")));
  EXPECT_EQ(json.fields().at("code").string_value(), "not_found");
  EXPECT_EQ(json.fields().count("message"), 0u);
  EXPECT_EQ(json.fields().count("details"), 0u);
  EXPECT_TRUE(DetailsOf("\x1a\x05\x0a").empty());  // Truncated.
}

// A message may quote a client's bytes (an unsupported Content-Type, a
// Connect-Timeout-Ms value): the document stays JSON, with U+FFFD for each
// byte that is not UTF-8, and keeps the code whatever the message holds.
TEST(ErrorJsonTest, AnyMessageBytesMakeAJsonDocumentWithItsCode) {
  const Struct quoted = ParseJson(ErrorJson(grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      "content type \"t=v1&:\xe0\x8b\x97i\x92\" is not supported")));
  EXPECT_EQ(quoted.fields().at("code").string_value(), "unimplemented");
  EXPECT_EQ(
      quoted.fields().at("message").string_value(),
      "content type \"t=v1&:\uFFFD\uFFFD\uFFFDi\uFFFD\" is not supported");
  absl::BitGen gen;
  for (int i = 0; i < 2000; ++i) {
    const auto code = static_cast<grpc::StatusCode>(absl::Uniform(gen, 1, 17));
    const std::string message = RandomBytes(gen, 40);
    const Struct json = ParseJson(ErrorJson(grpc::Status(code, message)));
    EXPECT_EQ(json.fields().at("code").string_value(), CodeName(code));
    const Struct end =
        ParseJson(EndOfStreamJson(grpc::Status(code, message), {}));
    EXPECT_EQ(end.fields()
                  .at("error")
                  .struct_value()
                  .fields()
                  .at("code")
                  .string_value(),
              CodeName(code));
  }
}

TEST(ErrorJsonTest, EndOfStreamCarriesErrorAndMetadata) {
  const Struct ok = ParseJson(EndOfStreamJson(grpc::Status::OK, {}));
  EXPECT_TRUE(ok.fields().empty());
  const Struct failed = ParseJson(EndOfStreamJson(
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too big"),
      {{"x-a", "1"}, {"x-a", "2"}}));
  const auto& error = failed.fields().at("error").struct_value();
  EXPECT_EQ(error.fields().at("code").string_value(), "resource_exhausted");
  EXPECT_EQ(error.fields().at("message").string_value(), "too big");
  const auto& values = failed.fields()
                           .at("metadata")
                           .struct_value()
                           .fields()
                           .at("x-a")
                           .list_value();
  ASSERT_EQ(values.values_size(), 2);
  EXPECT_EQ(values.values(1).string_value(), "2");
}

// --- GET queries -------------------------------------------------------

TEST(GetRequestTest, JsonMessageUrlEncoded) {
  auto request = ParseGetQuery(
      "connect=v1&encoding=json&message=%7B%22memberId%22%3A%22a+b%22%7D");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->codec, Codec::kJson);
  EXPECT_EQ(request->compression, Compression::kIdentity);
  EXPECT_EQ(request->message, R"({"memberId":"a b"})");
}

TEST(GetRequestTest, Base64MessagesOfAnyBytesRoundTrip) {
  absl::BitGen gen;
  for (int round = 0; round < 100; ++round) {
    const std::string bytes = RandomBytes(gen, 64);
    std::string encoded;
    absl::WebSafeBase64Escape(bytes, &encoded);  // Unpadded.
    if (round % 2 == 1) {
      while (encoded.size() % 4 != 0) encoded += "%3D";  // Padded, escaped.
    }
    auto request = ParseGetQuery(absl::StrCat(
        "encoding=proto&base64=1&compression=identity&message=", encoded));
    ASSERT_TRUE(request.ok()) << request.status() << " " << encoded;
    EXPECT_EQ(request->codec, Codec::kProto);
    EXPECT_EQ(request->message, bytes);
  }
}

TEST(GetRequestTest, RefusalsHaveTheirCodes) {
  EXPECT_EQ(ParseGetQuery("message=%7B%7D").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseGetQuery("encoding=xml").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseGetQuery("encoding=json&connect=v2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGetQuery("encoding=json&base64=1&message=!!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGetQuery("encoding=json&message=%zz").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGetQuery("encoding=json&compression=br").status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(GetRequestTest, UrlDecodeInvertsPercentEncodingOfAnyBytes) {
  absl::BitGen gen;
  for (int round = 0; round < 100; ++round) {
    const std::string bytes = RandomBytes(gen, 40);
    std::string encoded;
    for (unsigned char c : bytes) {
      absl::StrAppend(&encoded, "%", absl::BytesToHexString(std::string(1, c)));
    }
    EXPECT_EQ(UrlDecode(encoded), bytes);
  }
  EXPECT_FALSE(UrlDecode("%4").has_value());
  EXPECT_FALSE(UrlDecode("abc%").has_value());
}

// --- Compression -------------------------------------------------------

TEST(CompressionTest, GzipRoundTripsAndLimitsTheOutput) {
  absl::BitGen gen;
  for (int round = 0; round < 30; ++round) {
    const std::string data = RandomBytes(gen, 5000);
    std::optional<std::string> gz = Gzip(data);
    ASSERT_TRUE(gz.has_value());
    auto back = Decompress(Compression::kGzip, *gz, data.size());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, data);
    if (!data.empty()) {
      EXPECT_EQ(
          Decompress(Compression::kGzip, *gz, data.size() - 1).status().code(),
          absl::StatusCode::kResourceExhausted);
    }
  }
  // A bomb: 64 MB of zeros is refused at the limit, not inflated.
  std::optional<std::string> bomb = Gzip(std::string(64 << 20, '\0'));
  ASSERT_TRUE(bomb.has_value());
  EXPECT_EQ(Decompress(Compression::kGzip, *bomb, 1 << 20).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Decompress(Compression::kGzip, "not gzip", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompressionTest, NamesAndNegotiation) {
  EXPECT_EQ(*ParseCompression(""), Compression::kIdentity);
  EXPECT_EQ(*ParseCompression("GZIP"), Compression::kGzip);
  EXPECT_EQ(ParseCompression("br").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(ChooseResponseCompression("br, gzip"), Compression::kGzip);
  EXPECT_EQ(ChooseResponseCompression("gzip;q=0"), Compression::kIdentity);
  EXPECT_EQ(ChooseResponseCompression(""), Compression::kIdentity);
}

// --- Headers -----------------------------------------------------------

TEST(HeadersTest, TimeoutIsOneToTenDigits) {
  EXPECT_EQ(*ParseTimeoutMs("0"), 0);
  EXPECT_EQ(*ParseTimeoutMs("9999999999"), 9999999999);
  for (const char* bad : {"", "12345678901", "-1", "1.5", " 1", "1s"}) {
    EXPECT_EQ(ParseTimeoutMs(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(HeadersTest, ProtocolAndReservedHeadersNeverBecomeMetadata) {
  const HeaderList headers = {{"authorization", "Bearer x"},
                              {"connect-timeout-ms", "5"},
                              {"content-type", "application/json"},
                              {"host", "h"},
                              {"grpc-timeout", "1S"},
                              {"rapport-in-process-pass", "forged"},
                              {"x-request-id", "r1"},
                              {"x-trace-bin", "AQI"},
                              {"x-bad", "line\x01"},
                              {"Upper", "v"}};
  const HeaderList metadata =
      MetadataOfHeaders(headers, {"rapport-in-process-pass"});
  const HeaderList expected = {{"x-request-id", "r1"},
                               {"x-trace-bin", std::string("\x01\x02", 2)}};
  EXPECT_EQ(metadata, expected);
}

TEST(HeadersTest, HeaderLinesDropValuesThatWouldSplitTheResponse) {
  EXPECT_EQ(HeaderLines({{"a", "1"}, {"b", "x\r\nSet-Cookie: y"}}), "a: 1\r\n");
}

// --- Codec -------------------------------------------------------------

TEST(CodecTest, ContentTypes) {
  EXPECT_EQ(CodecOfContentType("application/json; charset=utf-8", false),
            Codec::kJson);
  EXPECT_EQ(CodecOfContentType("application/proto", false), Codec::kProto);
  EXPECT_EQ(CodecOfContentType("application/connect+json", true), Codec::kJson);
  EXPECT_FALSE(CodecOfContentType("application/json", true).has_value());
  EXPECT_FALSE(CodecOfContentType("application/connect+json", false));
  EXPECT_FALSE(CodecOfContentType("text/plain", false).has_value());
  EXPECT_EQ(ContentTypeOf(Codec::kProto, true), "application/connect+proto");
}

TEST(CodecTest, JsonRoundTripsThroughTheWireFormat) {
  const auto& type = *v1::GetScoreRequest::descriptor();
  auto binary = ToBinary(Codec::kJson, type,
                         R"({"memberId":"m-1","asOf":"2026-01-02T03:04:05Z"})");
  ASSERT_TRUE(binary.ok()) << binary.status();
  v1::GetScoreRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(*binary));
  EXPECT_EQ(parsed.member_id(), "m-1");
  EXPECT_EQ(parsed.as_of().seconds(), 1767323045);
  auto json = FromBinary(Codec::kJson, type, *binary);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"memberId":"m-1","asOf":"2026-01-02T03:04:05Z"})");
}

TEST(CodecTest, BadJsonIsInvalidArgumentNamingTheType) {
  const auto& type = *v1::GetScoreRequest::descriptor();
  for (const char* bad :
       {"", "{", R"({"nope":1})", R"({"memberId":3})", "[]"}) {
    auto binary = ToBinary(Codec::kJson, type, bad);
    EXPECT_EQ(binary.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(binary.status().message().find("rapport.v1.GetScoreRequest"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace rapport::connect
