#include "server/connect/headers.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace rapport::connect {
namespace {

constexpr absl::string_view kDroppedPrefixes[] = {
    "connect-", "content-", "accept", "grpc-", "proxy-", ":"};
constexpr absl::string_view kDroppedNames[] = {
    "host",       "user-agent", "authorization", "connection",
    "keep-alive", "te",         "trailer",       "transfer-encoding",
    "upgrade",    "expect",     "cookie"};

bool ValidKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool Printable(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<int64_t> ParseTimeoutMs(absl::string_view value) {
  int64_t ms = 0;
  if (value.empty() || value.size() > 10 ||
      !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(value, &ms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connect-Timeout-Ms \"", value, "\" is not 1 to 10 digits"));
  }
  return ms;
}

HeaderList MetadataOfHeaders(const HeaderList& headers,
                             const absl::flat_hash_set<std::string>& reserved) {
  HeaderList metadata;
  for (const auto& [name, value] : headers) {
    if (!ValidKey(name) || reserved.contains(name)) continue;
    bool dropped = false;
    for (absl::string_view prefix : kDroppedPrefixes) {
      dropped = dropped || absl::StartsWith(name, prefix);
    }
    for (absl::string_view dropped_name : kDroppedNames) {
      dropped = dropped || name == dropped_name;
    }
    if (dropped) continue;
    if (absl::EndsWith(name, "-bin")) {
      std::string decoded;
      if (absl::Base64Unescape(value, &decoded) ||
          absl::WebSafeBase64Unescape(value, &decoded)) {
        metadata.emplace_back(name, std::move(decoded));
      }
      continue;
    }
    if (Printable(value)) metadata.emplace_back(name, value);
  }
  return metadata;
}

HeaderList HeadersOfMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    absl::string_view prefix) {
  HeaderList headers;
  for (const auto& [key_ref, value_ref] : metadata) {
    const absl::string_view key(key_ref.data(), key_ref.size());
    const absl::string_view value(value_ref.data(), value_ref.size());
    if (absl::StartsWith(key, "grpc-") || !ValidKey(key)) continue;
    std::string out;
    if (absl::EndsWith(key, "-bin")) {
      absl::Base64Escape(value, &out);
      while (!out.empty() && out.back() == '=') out.pop_back();
    } else if (Printable(value)) {
      out = std::string(value);
    } else {
      continue;
    }
    headers.emplace_back(absl::StrCat(prefix, key), std::move(out));
  }
  return headers;
}

std::string HeaderLines(const HeaderList& headers) {
  std::string lines;
  for (const auto& [name, value] : headers) {
    if (absl::StrContains(value, '\r') || absl::StrContains(value, '\n') ||
        absl::StrContains(name, '\r') || absl::StrContains(name, '\n')) {
      continue;
    }
    absl::StrAppend(&lines, name, ": ", value, "\r\n");
  }
  return lines;
}

}  // namespace rapport::connect
