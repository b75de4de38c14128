#include "server/store/pg/pg_history_values.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rapport::store::pg {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);

}  // namespace

int64_t HistoryDayNumber(absl::CivilDay day) { return day - kEpochDay; }

absl::CivilDay HistoryCivilDay(int64_t day_number) {
  return kEpochDay + day_number;
}

std::string RealArrayLiteral(absl::Span<const double> values) {
  std::string array = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) array += ',';
    absl::StrAppendFormat(&array, "%.17g", values[i]);
  }
  array += '}';
  return array;
}

std::string OptionalIntArrayLiteral(
    absl::Span<const std::optional<int64_t>> values) {
  std::string array = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) array += ',';
    if (values[i].has_value()) {
      absl::StrAppend(&array, *values[i]);
    } else {
      array += "NULL";
    }
  }
  array += '}';
  return array;
}

}  // namespace rapport::store::pg
