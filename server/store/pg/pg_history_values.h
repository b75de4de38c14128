// Values of the PostgreSQL store's history, feed and goal statements: day
// numbers, and the array literals of whole-batch statements whose element
// types Params has no adder for (double precision, nullable bigint).
#ifndef RAPPORT_SERVER_STORE_PG_PG_HISTORY_VALUES_H_
#define RAPPORT_SERVER_STORE_PG_PG_HISTORY_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/types/span.h"

namespace rapport::store::pg {

// Days since 1970-01-01, as the schema's `day` columns hold them.
int64_t HistoryDayNumber(absl::CivilDay day);
absl::CivilDay HistoryCivilDay(int64_t day_number);

// A float8[] literal with round-trip precision: a value read back is the
// value written, bit for bit. Every value must be finite.
std::string RealArrayLiteral(absl::Span<const double> values);

// A bigint[] literal; NULL for an empty element.
std::string OptionalIntArrayLiteral(
    absl::Span<const std::optional<int64_t>> values);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_HISTORY_VALUES_H_
