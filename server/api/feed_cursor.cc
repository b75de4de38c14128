#include "server/api/feed_cursor.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/status.h"
#include "server/common/sha256.h"

namespace rapport::api {
namespace {

// "f1:<since>:<upto or empty>:<filter digest>:<checksum>:<after member_id>".
constexpr char kVersion[] = "f1";
// Far above the longest cursor issued (a 128-character member id).
constexpr size_t kMaxCursorLength = 1024;
constexpr size_t kDigestChars = 16;

std::string Digest(absl::string_view data) {
  return Sha256Hex(data).substr(0, kDigestChars);
}

std::string FilterDigest(absl::string_view tenant, absl::string_view team) {
  return Digest(absl::StrCat("feed\x1f", tenant, "\x1f", team));
}

// The checksum covers every other part of the cursor.
std::string Checksum(absl::string_view since, absl::string_view upto,
                     absl::string_view filters, absl::string_view after) {
  return Digest(
      absl::StrCat(kVersion, ":", since, ":", upto, ":", filters, ":", after));
}

absl::Status Malformed() {
  return InvalidField("cursor",
                      "is not a cursor this server issued (or was altered); "
                      "start again with an empty cursor");
}

}  // namespace

std::string EncodeFeedCursor(const core::FeedPosition& position,
                             absl::string_view tenant, absl::string_view team) {
  const std::string since = absl::StrCat(position.since);
  const std::string upto =
      position.upto ? absl::StrCat(*position.upto) : std::string();
  const std::string filters = FilterDigest(tenant, team);
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, ":", since, ":", upto, ":", filters, ":",
                   Checksum(since, upto, filters, position.after_member_id),
                   ":", position.after_member_id));
}

absl::StatusOr<core::FeedPosition> DecodeFeedCursor(absl::string_view cursor,
                                                    absl::string_view tenant,
                                                    absl::string_view team) {
  if (cursor.empty()) return core::FeedPosition{};
  const bool base64 =
      cursor.size() <= kMaxCursorLength &&
      std::all_of(cursor.begin(), cursor.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_' || c == '=';
      });
  std::string raw;
  if (!base64 || !absl::WebSafeBase64Unescape(cursor, &raw)) {
    return Malformed();
  }
  std::vector<absl::string_view> parts =
      absl::StrSplit(raw, absl::MaxSplits(':', 5));
  if (parts.size() != 6 || parts[0] != kVersion ||
      parts[4] != Checksum(parts[1], parts[2], parts[3], parts[5])) {
    return Malformed();
  }
  core::FeedPosition position;
  int64_t upto = 0;
  if (!absl::SimpleAtoi(parts[1], &position.since) || position.since < 0 ||
      (!parts[2].empty() && !absl::SimpleAtoi(parts[2], &upto)) ||
      (parts[2].empty() && !parts[5].empty())) {
    return Malformed();
  }
  if (!parts[2].empty()) position.upto = upto;
  if (parts[3] != FilterDigest(tenant, team)) {
    return InvalidField("cursor",
                        "was issued for another team filter; call with the "
                        "team the cursor was issued for, or start again with "
                        "an empty cursor");
  }
  position.after_member_id = std::string(parts[5]);
  return position;
}

}  // namespace rapport::api
