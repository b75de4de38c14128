#include "server/api/page_token.h"

#include <algorithm>
#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

constexpr char kVersion[] = "p1";
// Far above the longest token issued (a 128-character member id cursor).
constexpr size_t kMaxTokenLength = 1024;

// A fingerprint stable across processes (absl::Hash is not).
uint64_t Fingerprint(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a.
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string EncodePageToken(absl::string_view filters,
                            absl::string_view cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, ":", Fingerprint(filters), ":", cursor));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view filters) {
  if (token.empty()) return std::string();
  // The tokens this server issues are short and web-safe base64; anything
  // else is refused before decoding.
  const bool base64 =
      token.size() <= kMaxTokenLength &&
      std::all_of(token.begin(), token.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_' || c == '=';
      });
  std::string raw;
  if (!base64 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  std::vector<absl::string_view> parts =
      absl::StrSplit(raw, absl::MaxSplits(':', 2));
  uint64_t fingerprint = 0;
  if (parts.size() != 3 || parts[0] != kVersion ||
      !absl::SimpleAtoi(parts[1], &fingerprint) || parts[2].empty()) {
    return InvalidField("page_token", "is not a token this server issued");
  }
  if (fingerprint != Fingerprint(filters)) {
    return InvalidField("page_token",
                        "was issued for a request with other filters");
  }
  return std::string(parts[2]);
}

}  // namespace rapport::api
