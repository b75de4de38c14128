// What a background nice value buys a request on a busy machine: the wall
// time of a fixed piece of CPU work (a stand-in for answering a call) on a
// thread at the process's priority, while one busy background thread per
// core spins at nice Arg (0: as before --background_nice; 10: the default).
// Within one process the kernel shares the CPU by the threads' weights, so
// this shows the mechanism even when other processes load the machine.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/common/thread_priority.h"

namespace rapport {
namespace {

// About a millisecond of arithmetic on one core, not optimised away.
uint64_t Work() {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 400000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

void BM_RequestWhileBackgroundSpins(benchmark::State& state) {
  const int nice = static_cast<int>(state.range(0));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<bool> stop{false};
  std::vector<std::thread> background;
  for (unsigned i = 0; i < cores; ++i) {
    background.emplace_back([&stop, nice] {
      LowerThisThreadPriorityOrLog(nice);
      uint64_t sink = 0;
      while (!stop.load(std::memory_order_relaxed)) sink += Work();
      benchmark::DoNotOptimize(sink);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (auto _ : state) benchmark::DoNotOptimize(Work());
  stop = true;
  for (std::thread& t : background) t.join();
}
BENCHMARK(BM_RequestWhileBackgroundSpins)
    ->Arg(0)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Repetitions(5)
    ->ReportAggregatesOnly(false);

// The same work with nothing else running in the process.
void BM_RequestAlone(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Work());
}
BENCHMARK(BM_RequestAlone)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace rapport

BENCHMARK_MAIN();
