// Pure text-formatting helpers of the rapport CLI: tables, bars, sparklines,
// numbers and times. No I/O.
#ifndef RAPPORT_CLIENT_CLI_FORMAT_H_
#define RAPPORT_CLIENT_CLI_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace rapport::cli {

// A text table with aligned columns. Widths count UTF-8 code points, so
// names with accents and the ▲▼ arrows line up.
class Table {
 public:
  struct Column {
    std::string header;
    bool right_align = false;
  };
  explicit Table(std::vector<Column> columns);

  // Missing cells are blank; extra cells are ignored.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // The header and every row, each line ending in '\n'; columns separated by
  // two spaces, no trailing spaces.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// The number of code points of UTF-8 text (its width in a terminal, for the
// scripts the CLI prints).
int DisplayWidth(absl::string_view text);

// A horizontal bar of `width` cells for value out of max: full blocks, one
// eighth-block for the remainder, then light shade. Values are clamped.
std::string Bar(double value, double max, int width);

// One of ▁▂▃▄▅▆▇█ per value, scaled between the smallest and the largest
// value; all-equal values give a flat ▄ line. Empty input gives "".
std::string Sparkline(const std::vector<double>& values);

// Averages consecutive values so that at most max_points remain (for
// sparklines of long histories). Returns values unchanged when short enough.
std::vector<double> Downsample(const std::vector<double>& values,
                               int max_points);

// "▲3.1", "▼2.0", or "=0.0" when the change rounds to zero.
std::string FormatChange(double change);

// "12.5%", or "-" when absent.
std::string FormatRate(std::optional<double> rate);

// "12,345,678".
std::string FormatCount(int64_t n);

// RFC 3339 in UTC ("2024-06-01T12:00:00Z"), or "-" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& t);
// "2024-06-01", or "-" when unset.
std::string FormatDate(const google::protobuf::Timestamp& t);
// "45s", "12m", "3h 20m", "2d 4h", or "-" when zero.
std::string FormatDuration(const google::protobuf::Duration& d);

// Parses an RFC 3339 time ("2024-06-01T00:00:00Z", with any offset).
// Returns INVALID_ARGUMENT when the text is not one.
absl::StatusOr<absl::Time> ParseTime(absl::string_view text);
google::protobuf::Timestamp ToTimestamp(absl::Time t);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_FORMAT_H_
