// Parses the Prometheus text exposition format (0.0.4) far enough for tests
// to read exact sample values: names, labels (with escapes) and values;
// HELP/TYPE lines and timestamps are skipped. Not a validator: use promtool
// for that.
#ifndef RAPPORT_TESTS_COMMON_PROMETHEUS_TEXT_H_
#define RAPPORT_TESTS_COMMON_PROMETHEUS_TEXT_H_

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace rapport::testing {

// One sample line: a histogram's buckets are samples named NAME_bucket with
// an `le` label, and NAME_sum and NAME_count.
struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// A whole /metrics body.
struct MetricsScrape {
  std::string body;
  std::vector<MetricSample> samples;

  // The value of the sample `name` whose labels are exactly `labels`.
  std::optional<double> Find(
      const std::string& name,
      const std::map<std::string, std::string>& labels) const {
    for (const MetricSample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  // Every sample called `name`, in order.
  std::vector<const MetricSample*> All(const std::string& name) const {
    std::vector<const MetricSample*> out;
    for (const MetricSample& s : samples) {
      if (s.name == name) out.push_back(&s);
    }
    return out;
  }
};

namespace internal {

// `name{a="x",b="y"} value`; nullopt for a line that is not a sample.
inline std::optional<MetricSample> ParseSample(absl::string_view line) {
  MetricSample s;
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  s.name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const size_t eq = line.find("=\"", i);
      if (eq == absl::string_view::npos) return std::nullopt;
      std::string key(line.substr(i, eq - i));
      std::string value;
      for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          value.push_back(line[i]);
        }
      }
      if (i >= line.size()) return std::nullopt;
      ++i;  // The closing quote.
      if (i < line.size() && line[i] == ',') ++i;
      s.labels[key] = value;
    }
    ++i;  // The closing brace.
  }
  std::vector<absl::string_view> rest = absl::StrSplit(
      line.substr(std::min(i, line.size())), ' ', absl::SkipEmpty());
  if (rest.empty()) return std::nullopt;
  if (rest[0] == "+Inf") {
    s.value = std::numeric_limits<double>::infinity();
  } else if (!absl::SimpleAtod(rest[0], &s.value)) {
    return std::nullopt;
  }
  return s;
}

}  // namespace internal

// Every sample of a /metrics body (comments skipped); DATA_LOSS naming the
// first line that is not a sample.
inline absl::StatusOr<MetricsScrape> ParseMetricsText(std::string body) {
  MetricsScrape scrape;
  for (absl::string_view line : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    std::optional<MetricSample> sample = internal::ParseSample(line);
    if (!sample) {
      return absl::DataLossError(absl::StrCat("bad sample line: ", line));
    }
    scrape.samples.push_back(*std::move(sample));
  }
  scrape.body = std::move(body);
  return scrape;
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_PROMETHEUS_TEXT_H_
