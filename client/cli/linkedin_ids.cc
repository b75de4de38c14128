#include "client/cli/linkedin_ids.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/sha256.h"

namespace rapport::cli {
namespace {

std::string Hex(absl::string_view data, size_t digits) {
  return Sha256Hex(data).substr(0, digits);
}

}  // namespace

std::string NormalizeLinkedInUrl(absl::string_view url) {
  std::string u = absl::AsciiStrToLower(absl::StripAsciiWhitespace(url));
  for (const char* scheme : {"https://", "http://"}) {
    if (absl::StartsWith(u, scheme)) u.erase(0, std::strlen(scheme));
  }
  if (absl::StartsWith(u, "www.")) u.erase(0, 4);
  const size_t cut = u.find_first_of("?#");
  if (cut != std::string::npos) u.resize(cut);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

std::string LinkedInContactId(absl::string_view profile_url) {
  const std::string url = NormalizeLinkedInUrl(profile_url);
  if (url.empty()) return "";
  return absl::StrCat("li-", Hex(url, 32));
}

std::string LinkedInNameContactId(absl::string_view lower_case_name) {
  return absl::StrCat("li-n-", Hex(absl::StrCat("name:", lower_case_name), 32));
}

std::string LinkedInDigestId(absl::string_view text) {
  return absl::StrCat("li-", Hex(text, 32));
}

std::string LinkedInEventId(absl::string_view member_id, absl::string_view tag,
                            absl::string_view key, int rank) {
  return absl::StrCat(
      "li:", tag, ":",
      Hex(absl::StrCat(member_id, "\n", tag, "\n", key, "\n", rank), 40));
}

}  // namespace rapport::cli
