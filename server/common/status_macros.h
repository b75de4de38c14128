// Early-return helpers for absl::Status and absl::StatusOr, shared by every
// library of Rapport. Abseil 20220623 ships none.
#ifndef RAPPORT_SERVER_COMMON_STATUS_MACROS_H_
#define RAPPORT_SERVER_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define RAPPORT_RETURN_IF_ERROR(expr)                                     \
  do {                                                                    \
    if (::absl::Status _rapport_status = (expr); !_rapport_status.ok()) { \
      return _rapport_status;                                             \
    }                                                                     \
  } while (false)

#define RAPPORT_STATUS_CONCAT_INNER(a, b) a##b
#define RAPPORT_STATUS_CONCAT(a, b) RAPPORT_STATUS_CONCAT_INNER(a, b)

// `lhs` = the value of `expr` (an absl::StatusOr<T>), or returns its status.
// `lhs` may declare a variable: RAPPORT_ASSIGN_OR_RETURN(auto x, F());
#define RAPPORT_ASSIGN_OR_RETURN(lhs, expr) \
  RAPPORT_ASSIGN_OR_RETURN_IMPL(            \
      RAPPORT_STATUS_CONCAT(_rapport_statusor_, __LINE__), lhs, expr)

#define RAPPORT_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // RAPPORT_SERVER_COMMON_STATUS_MACROS_H_
