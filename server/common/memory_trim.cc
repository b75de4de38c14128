#include "server/common/memory_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rapport {

std::shared_ptr<void> BurstTrimmer::Hold(size_t bytes) {
  if (bytes < large_bytes_) return nullptr;
  ++in_flight_;
  // An empty object whose deleter releases the hold.
  return std::shared_ptr<void>(static_cast<void*>(this), [](void* self) {
    static_cast<BurstTrimmer*>(self)->Release();
  });
}

void BurstTrimmer::Release() {
  if (--in_flight_ != 0) return;
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
  ++trims_;
}

}  // namespace rapport
