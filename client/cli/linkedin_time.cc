#include "client/cli/linkedin_time.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rapport::cli {
namespace {

constexpr const char* kFormats[] = {
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d%ET%H:%M:%E*S%Ez",
    "%Y-%m-%d",
    "%d %b %Y",
    "%b %d, %Y",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y, %H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
};

// The year of a date written with two digits expanded to four, so that the
// formats above need no %y ("3/5/24, 2:22 PM" -> "3/5/2024, 2:22 PM").
std::string ExpandTwoDigitYear(absl::string_view text) {
  const size_t first = text.find('/');
  if (first == absl::string_view::npos) return std::string(text);
  const size_t second = text.find('/', first + 1);
  if (second == absl::string_view::npos) return std::string(text);
  size_t end = second + 1;
  while (end < text.size() && absl::ascii_isdigit(text[end])) ++end;
  if (end - second - 1 != 2) return std::string(text);
  const int yy = (text[second + 1] - '0') * 10 + (text[second + 2] - '0');
  return absl::StrCat(text.substr(0, second + 1),
                      yy < 69 ? 2000 + yy : 1900 + yy, text.substr(end));
}

}  // namespace

absl::StatusOr<absl::Time> ParseLinkedInTime(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  std::string value(trimmed);
  if (absl::EndsWithIgnoreCase(value, " UTC")) {
    value.resize(value.size() - 4);
  }
  value = ExpandTwoDigitYear(value);
  if (!value.empty()) {
    for (const char* format : kFormats) {
      absl::Time t;
      std::string error;
      // ParseTime also reads "infinite-future": not a date of the archive.
      if (absl::ParseTime(format, value, absl::UTCTimeZone(), &t, &error) &&
          t != absl::InfiniteFuture() && t != absl::InfinitePast()) {
        return t;
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unreadable date \"", trimmed.substr(0, 40), "\""));
}

}  // namespace rapport::cli
