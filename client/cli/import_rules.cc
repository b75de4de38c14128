#include "client/cli/import_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rapport::cli {
namespace {

// " words of the text " in lower case, separated by single spaces, so that
// a keyword is found as whole words by looking for " keyword ".
std::string Words(absl::string_view text) {
  std::string out = " ";
  for (const char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
        static_cast<unsigned char>(c) >= 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

// ISO 8601 as exports write it, most specific first. absl's %Ez reads "Z",
// "+01:00" and "+0100"; %E*S reads seconds with any fraction.
constexpr const char* kIsoFormats[] = {
    "%Y-%m-%d%ET%H:%M:%E*S%Ez",
    "%Y-%m-%d%ET%H:%M%Ez",
    "%Y-%m-%d%ET%H:%M:%E*S",
    "%Y-%m-%d%ET%H:%M",
    "%Y-%m-%d",
};

// absl::ParseTime refuses out-of-range fields (February 31st does not roll
// into March): a cell is read as written or not at all.
bool ParseStrict(const std::string& format, const std::string& value,
                 absl::TimeZone zone, absl::Time* out) {
  std::string error;
  return absl::ParseTime(format, value, zone, out, &error);
}

}  // namespace

const std::vector<std::string>& DefaultTimeFormats() {
  static const auto* const kFormats =
      new std::vector<std::string>{std::string(kIso8601),
                                   "%Y-%m-%d %H:%M:%S",
                                   "%Y-%m-%d %H:%M",
                                   "%m/%d/%Y %I:%M %p",
                                   "%m/%d/%Y %I:%M:%S %p",
                                   "%m/%d/%Y %H:%M",
                                   "%m/%d/%Y"};
  return *kFormats;
}

bool MatchesCell(absl::string_view value, config::v1::Match match,
                 const std::vector<std::string>& values) {
  value = absl::StripAsciiWhitespace(value);
  switch (match) {
    case config::v1::MATCH_EMPTY:
      return value.empty();
    case config::v1::MATCH_NOT_EMPTY:
      return !value.empty();
    case config::v1::MATCH_EQUALS:
      for (const std::string& v : values) {
        if (absl::EqualsIgnoreCase(value, absl::StripAsciiWhitespace(v))) {
          return true;
        }
      }
      return false;
    case config::v1::MATCH_PREFIX:
      for (const std::string& v : values) {
        if (absl::StartsWithIgnoreCase(value, v)) return true;
      }
      return false;
    case config::v1::MATCH_CONTAINS: {
      const std::string lower = absl::AsciiStrToLower(value);
      for (const std::string& v : values) {
        if (absl::StrContains(lower, absl::AsciiStrToLower(v))) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

absl::StatusOr<absl::Time> ParseCellTime(
    absl::string_view value, const std::vector<std::string>& formats,
    absl::TimeZone zone) {
  const std::string cell(absl::StripAsciiWhitespace(value));
  absl::Time t;
  if (!cell.empty()) {
    for (const std::string& format : formats) {
      if (format == kIso8601) {
        for (const char* iso : kIsoFormats) {
          if (ParseStrict(iso, cell, zone, &t)) return t;
        }
      } else if (ParseStrict(format, cell, zone, &t)) {
        return t;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("not a date: '", cell, "'"));
}

v1::Seniority SeniorityOfTitle(
    absl::string_view title,
    const google::protobuf::RepeatedPtrField<config::v1::SeniorityRule>& rules,
    v1::Seniority fallback) {
  const std::string words = Words(title);
  if (words == " ") return v1::SENIORITY_UNSPECIFIED;
  for (const config::v1::SeniorityRule& rule : rules) {
    for (const std::string& keyword : rule.keywords()) {
      const std::string key = Words(keyword);
      if (key != " " && absl::StrContains(words, key)) return rule.seniority();
    }
  }
  return fallback;
}

std::string MemberIdOfOwner(absl::string_view owner,
                            config::v1::MemberIdForm form) {
  owner = absl::StripAsciiWhitespace(owner);
  switch (form) {
    case config::v1::MEMBER_ID_FORM_LOWERCASE:
      return absl::AsciiStrToLower(owner);
    case config::v1::MEMBER_ID_FORM_SLUG: {
      std::string out;
      for (const char c : owner) {
        const auto u = static_cast<unsigned char>(c);
        if (absl::ascii_isalnum(u) || c == '.' || c == '_' || c == '@') {
          out.push_back(absl::ascii_tolower(u));
        } else if (!out.empty() && out.back() != '-') {
          out.push_back('-');
        }
      }
      while (!out.empty() && out.back() == '-') out.pop_back();
      return out;
    }
    default:
      return std::string(owner);
  }
}

}  // namespace rapport::cli
