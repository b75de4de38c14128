#include "client/cli/format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace rapport::cli {
namespace {

// U+2581..U+2588, lowest to highest.
constexpr const char* kSparks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
// Left eighth blocks U+258F..U+2589, one eighth to seven eighths.
constexpr const char* kEighths[] = {"▏", "▎", "▍", "▌", "▋", "▊", "▉"};

std::string Pad(const std::string& text, int width, bool right) {
  const std::string fill(std::max(0, width - DisplayWidth(text)), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<int> widths;
  for (const Column& c : columns_) widths.push_back(DisplayWidth(c.header));
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> padded;
    for (size_t i = 0; i < cells.size(); ++i) {
      padded.push_back(Pad(cells[i], widths[i], columns_[i].right_align));
    }
    std::string text = absl::StrJoin(padded, "  ");
    text.erase(text.find_last_not_of(' ') + 1);
    return text + "\n";
  };
  std::vector<std::string> headers;
  for (const Column& c : columns_) headers.push_back(c.header);
  std::string out = line(headers);
  for (const auto& row : rows_) out += line(row);
  return out;
}

int DisplayWidth(absl::string_view text) {
  int width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // Not a continuation byte.
  }
  return width;
}

std::string Bar(double value, double max, int width) {
  if (width <= 0) return "";
  double fraction = max > 0 && std::isfinite(value) ? value / max : 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int eighths = static_cast<int>(std::lround(fraction * width * 8));
  std::string out;
  int cells = 0;
  for (; cells < eighths / 8; ++cells) out += "█";
  if (eighths % 8 != 0) {
    out += kEighths[eighths % 8 - 1];
    ++cells;
  }
  for (; cells < width; ++cells) out += "░";
  return out;
}

std::string Sparkline(const std::vector<double>& values) {
  if (values.empty()) return "";
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    int level = 3;
    if (*hi > *lo) {
      level = static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7));
    }
    out += kSparks[std::clamp(level, 0, 7)];
  }
  return out;
}

std::vector<double> Downsample(const std::vector<double>& values,
                               int max_points) {
  const int n = static_cast<int>(values.size());
  if (max_points <= 0 || n <= max_points) return values;
  std::vector<double> out;
  for (int i = 0; i < max_points; ++i) {
    const int begin = static_cast<int>(int64_t{i} * n / max_points);
    const int end = static_cast<int>(int64_t{i + 1} * n / max_points);
    double sum = 0;
    for (int j = begin; j < end; ++j) sum += values[j];
    out.push_back(sum / std::max(1, end - begin));
  }
  return out;
}

std::string FormatChange(double change) {
  const std::string magnitude = absl::StrFormat("%.1f", std::fabs(change));
  if (magnitude == "0.0") return "=0.0";
  return absl::StrCat(change > 0 ? "▲" : "▼", magnitude);
}

std::string FormatRate(std::optional<double> rate) {
  if (!rate.has_value()) return "-";
  return absl::StrFormat("%.1f%%", *rate * 100);
}

std::string FormatCount(int64_t n) {
  const std::string digits =
      absl::StrCat(n < 0 ? -(n + 1) + uint64_t{1} : static_cast<uint64_t>(n));
  // Built forward rather than by insert(): GCC 12 at -O3 warns (-Wrestrict)
  // on std::string::insert.
  std::string out = n < 0 ? "-" : "";
  out.reserve(digits.size() + digits.size() / 3 + 1);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E*SZ",
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()),
      absl::UTCTimeZone());
}

std::string FormatDate(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatDuration(const google::protobuf::Duration& d) {
  const int64_t s = d.seconds();
  if (s == 0 && d.nanos() == 0) return "-";
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m");
  if (s < 86400) {
    return s % 3600 / 60 == 0
               ? absl::StrCat(s / 3600, "h")
               : absl::StrCat(s / 3600, "h ", s % 3600 / 60, "m");
  }
  return s % 86400 / 3600 == 0
             ? absl::StrCat(s / 86400, "d")
             : absl::StrCat(s / 86400, "d ", s % 86400 / 3600, "h");
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not an RFC 3339 time such as 2024-06-01T00:00:00Z: \"", text, "\""));
  }
  return t;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

}  // namespace rapport::cli
