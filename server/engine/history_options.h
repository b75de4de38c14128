// How the HistoryRecorder records daily scores.
#ifndef RAPPORT_SERVER_ENGINE_HISTORY_OPTIONS_H_
#define RAPPORT_SERVER_ENGINE_HISTORY_OPTIONS_H_

namespace rapport::engine {

struct HistoryOptions {
  // Days recorded when a tenant (or member) is seen for the first time, and
  // the horizon of recomputation: no day older than yesterday -
  // backfill_days + 1 is ever recorded or recomputed. >= 1.
  int backfill_days = 90;
  // history_work entries taken per pass and tenant (all of them in the pass
  // that records a new day). >= 1.
  int work_batch = 200;
};

}  // namespace rapport::engine

#endif  // RAPPORT_SERVER_ENGINE_HISTORY_OPTIONS_H_
