// A one-line progress bar on stderr, drawn only when stderr is a terminal
// so that logs and pipes stay clean.
#ifndef RAPPORT_CLIENT_CLI_PROGRESS_H_
#define RAPPORT_CLIENT_CLI_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rapport::cli {

// "[█████▌░░░░] 55%  5,500 / 10,000 events  1,234/s"; without a total (0):
// "5,500 events  1,234/s". Pure.
std::string RenderProgress(int64_t done, int64_t total, double per_second,
                           absl::string_view unit);

// Not thread-safe. Reads the wall clock: the CLI is the program's edge.
class Progress {
 public:
  // Draws nothing unless enabled.
  Progress(std::ostream& err, bool enabled, std::string unit);
  ~Progress() { Done(); }

  // Redraws at most ten times a second. total 0 means unknown.
  void Update(int64_t done, int64_t total);
  // Erases the bar; later calls to Update draw it again.
  void Done();

 private:
  std::ostream& err_;
  const bool enabled_;
  const std::string unit_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_PROGRESS_H_
