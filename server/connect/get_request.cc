#include "server/connect/get_request.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rapport::connect {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> UrlDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<GetRequest> ParseGetQuery(absl::string_view query) {
  GetRequest request;
  bool have_encoding = false;
  bool base64 = false;
  std::string compression;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::optional<std::string> key = UrlDecode(kv.first);
    std::optional<std::string> value = UrlDecode(kv.second);
    if (!key.has_value() || !value.has_value()) {
      return absl::InvalidArgumentError("malformed query string");
    }
    if (*key == "connect") {
      if (*value != "v1") {
        return absl::InvalidArgumentError(absl::StrCat(
            "connect=", *value, " is not a supported protocol version (v1)"));
      }
    } else if (*key == "encoding") {
      std::optional<Codec> codec = CodecOfName(*value);
      if (!codec.has_value()) {
        return absl::FailedPreconditionError(
            absl::StrCat("encoding=", *value, " is not json or proto"));
      }
      request.codec = *codec;
      have_encoding = true;
    } else if (*key == "message") {
      request.message = *std::move(value);
    } else if (*key == "base64") {
      if (*value != "1") {
        return absl::InvalidArgumentError("base64 must be 1 when present");
      }
      base64 = true;
    } else if (*key == "compression") {
      compression = *std::move(value);
    }
  }
  if (!have_encoding) {
    return absl::FailedPreconditionError(
        "the query has no encoding (json or proto)");
  }
  absl::StatusOr<Compression> parsed = ParseCompression(compression);
  if (!parsed.ok()) return parsed.status();
  request.compression = *parsed;
  if (base64) {
    absl::string_view encoded = request.message;
    while (absl::ConsumeSuffix(&encoded, "=")) {
    }
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(encoded, &decoded) &&
        !absl::Base64Unescape(encoded, &decoded)) {
      return absl::InvalidArgumentError("message is not valid base64");
    }
    request.message = std::move(decoded);
  }
  return request;
}

}  // namespace rapport::connect
