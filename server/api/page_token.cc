#include "server/api/page_token.h"

#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/status.h"

namespace rapport::api {
namespace {

constexpr char kVersion[] = "p1";

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
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
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
