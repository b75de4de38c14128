#include "server/recommend/outcomes.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace rapport::recommend::internal {
namespace {

double Clamp01(double p) {
  return std::isnan(p) ? 0.0 : std::clamp(p, 0.0, 1.0);
}

// An answer or acceptance that may or may not come.
struct Unit {
  bool message = false;  // Else a connection request.
  size_t index = 0;
  double p = 0;
};

void Set(Outcome& o, const Unit& u, bool value) {
  (u.message ? o.answered : o.accepted)[u.index] = value;
}

// The answers part: subsets, or grouped binomials beyond kMaxExactUnits.
std::vector<WeightedOutcome> Answers(const Action& action) {
  Outcome certain;
  certain.answered.assign(action.messages.size(), false);
  certain.accepted.assign(action.connections.size(), false);
  std::vector<Unit> units;
  for (size_t i = 0; i < action.messages.size(); ++i) {
    const double p = Clamp01(action.messages[i].answer_probability);
    if (p >= 1) certain.answered[i] = true;
    if (p > 0 && p < 1) units.push_back({true, i, p});
  }
  for (size_t i = 0; i < action.connections.size(); ++i) {
    const double p = Clamp01(action.connections[i].acceptance_probability);
    if (p >= 1) certain.accepted[i] = true;
    if (p > 0 && p < 1) units.push_back({false, i, p});
  }
  std::vector<WeightedOutcome> out;
  if (units.size() <= static_cast<size_t>(kMaxExactUnits)) {
    const uint32_t n = static_cast<uint32_t>(units.size());
    out.reserve(size_t{1} << n);
    for (uint32_t mask = 0; mask < (uint32_t{1} << n); ++mask) {
      WeightedOutcome w{1.0, certain};
      for (uint32_t i = 0; i < n; ++i) {
        const bool yes = (mask >> i) & 1;
        w.probability *= yes ? units[i].p : 1 - units[i].p;
        Set(w.outcome, units[i], yes);
      }
      out.push_back(std::move(w));
    }
    return out;
  }
  // Groups of equal probability, in order of first appearance.
  std::vector<std::vector<Unit>> groups;
  for (const Unit& u : units) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.front().p == u.p; });
    if (it == groups.end()) {
      groups.push_back({u});
    } else {
      it->push_back(u);
    }
  }
  out.push_back({1.0, certain});
  for (const std::vector<Unit>& g : groups) {
    const int n = static_cast<int>(g.size());
    std::vector<WeightedOutcome> next;
    next.reserve(out.size() * (g.size() + 1));
    for (const WeightedOutcome& w : out) {
      for (int k = 0; k <= n; ++k) {
        WeightedOutcome v{w.probability * BinomialPmf(n, k, g.front().p),
                          w.outcome};
        for (int i = 0; i < n; ++i) Set(v.outcome, g[i], i < k);
        next.push_back(std::move(v));
      }
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace

double BinomialPmf(int n, int k, double p) {
  if (n < 0 || k < 0 || k > n) return 0;
  p = Clamp01(p);
  double choose = 1;
  for (int i = 1; i <= k; ++i) {
    choose = choose * static_cast<double>(n - k + i) / static_cast<double>(i);
  }
  return choose * std::pow(p, k) * std::pow(1 - p, n - k);
}

std::vector<WeightedOutcome> Outcomes(const Action& action) {
  std::vector<WeightedOutcome> out = Answers(action);
  for (size_t e = 0; e < action.expected_events.size(); ++e) {
    const double x = std::max(0.0, action.expected_events[e].expected);
    const double whole = std::floor(x);
    const double frac = x - whole;
    const auto count = static_cast<int64_t>(whole);
    std::vector<WeightedOutcome> next;
    next.reserve(out.size() * 2);
    for (WeightedOutcome& w : out) {
      if (frac > 0) {
        WeightedOutcome up{w.probability * frac, w.outcome};
        up.outcome.event_counts.resize(action.expected_events.size(), 0);
        up.outcome.event_counts[e] = count + 1;
        w.probability *= 1 - frac;
        next.push_back(std::move(w));
        next.back().outcome.event_counts.resize(action.expected_events.size(),
                                                0);
        next.back().outcome.event_counts[e] = count;
        next.push_back(std::move(up));
      } else {
        w.outcome.event_counts.resize(action.expected_events.size(), 0);
        w.outcome.event_counts[e] = count;
        next.push_back(std::move(w));
      }
    }
    out = std::move(next);
  }
  std::erase_if(out,
                [](const WeightedOutcome& w) { return !(w.probability > 0); });
  return out;
}

}  // namespace rapport::recommend::internal
