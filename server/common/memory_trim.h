// Returning memory to the OS after a burst of large messages. glibc keeps
// the heap memory a burst freed in its arenas, so a process's RSS stays at
// the burst's peak until malloc_trim; this trims once the last large
// message of a burst is done with.
#ifndef RAPPORT_SERVER_COMMON_MEMORY_TRIM_H_
#define RAPPORT_SERVER_COMMON_MEMORY_TRIM_H_

#include <atomic>
#include <cstddef>
#include <memory>

namespace rapport {

// Thread-safe.
class BurstTrimmer {
 public:
  // Messages of at least `large_bytes` count as large.
  explicit BurstTrimmer(size_t large_bytes) : large_bytes_(large_bytes) {}

  // Null for a message smaller than large_bytes. Otherwise a hold on one
  // large message in flight: when the last hold goes, the heap is trimmed
  // on the thread that drops it (tens of milliseconds after a burst of
  // gigabytes; keep it off latency-critical threads).
  std::shared_ptr<void> Hold(size_t bytes);

  // How many times the heap was trimmed.
  int trims() const { return trims_.load(); }

 private:
  void Release();

  const size_t large_bytes_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> trims_{0};
};

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_MEMORY_TRIM_H_
