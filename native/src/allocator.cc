// A counting, caching CPU allocator installed in libtorch.
// Counting: live tensor bytes now and at peak, the CPU analogue of torch.cuda.max_memory_allocated.
// Caching: freed blocks are kept in per-size free lists and handed out again for the same size, as
// PyTorch's CUDA allocator does. A training step allocates the same sizes every step, and large
// blocks from malloc are fresh mmap()s whose first touch page-faults: without the cache, backward
// spent a third of its time zeroing pages (bench/engine). The cache's cap is set from TypeScript.
// Debian's libtorch 1.13 requires that every DataPtr's context equals its data pointer and that
// raw_deleter() is implemented (oneDNN calls raw_allocate, which asserts both), so sizes are kept in a
// map keyed by pointer rather than in the DataPtr context.
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace pe {
namespace {

struct Counters {
  std::mutex mutex;
  std::unordered_map<void*, size_t> sizes;  // live blocks
  size_t current = 0;
  size_t peak = 0;
  uint64_t allocations = 0;
  std::unordered_map<size_t, std::vector<void*>> freeBlocks;  // cached blocks by exact size
  size_t cachedBytes = 0;
  size_t cacheLimit = 0;  // 0: no caching
  uint64_t cacheHits = 0;
};

Counters& counters() {
  // Leaked on purpose: tensors may be freed during static destruction at exit.
  static Counters* instance = new Counters();
  return *instance;
}

void countingDelete(void* pointer) {
  if (pointer == nullptr) return;
  {
    Counters& c = counters();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto found = c.sizes.find(pointer);
    if (found != c.sizes.end()) {
      size_t bytes = found->second;
      c.current -= bytes;
      c.sizes.erase(found);
      if (c.cachedBytes + bytes <= c.cacheLimit) {
        c.freeBlocks[bytes].push_back(pointer);
        c.cachedBytes += bytes;
        return;
      }
    }
  }
  c10::free_cpu(pointer);
}

void* takeCachedBlock(Counters& c, size_t bytes) {
  auto found = c.freeBlocks.find(bytes);
  if (found == c.freeBlocks.end() || found->second.empty()) return nullptr;
  void* pointer = found->second.back();
  found->second.pop_back();
  c.cachedBytes -= bytes;
  c.cacheHits++;
  return pointer;
}

// Frees every cached block; called with the mutex held.
void releaseCache(Counters& c) {
  for (auto& entry : c.freeBlocks) {
    for (void* pointer : entry.second) c10::free_cpu(pointer);
  }
  c.freeBlocks.clear();
  c.cachedBytes = 0;
}

struct CountingCpuAllocator final : public at::Allocator {
  at::DataPtr allocate(size_t bytes) const override {
    Counters& c = counters();
    void* pointer = nullptr;
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      pointer = takeCachedBlock(c, bytes);
    }
    if (pointer == nullptr) pointer = c10::alloc_cpu(bytes);
    if (pointer != nullptr) {
      std::lock_guard<std::mutex> lock(c.mutex);
      c.sizes[pointer] = bytes;
      c.current += bytes;
      c.allocations++;
      if (c.current > c.peak) c.peak = c.current;
    }
    return {pointer, pointer, &countingDelete, at::Device(at::DeviceType::CPU)};
  }
  at::DeleterFnPtr raw_deleter() const override { return &countingDelete; }
};

CountingCpuAllocator allocatorInstance;

PE_FN(memoryStats) {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("currentBytes", Napi::Number::New(info.Env(), static_cast<double>(c.current)));
  out.Set("peakBytes", Napi::Number::New(info.Env(), static_cast<double>(c.peak)));
  out.Set("liveAllocations", Napi::Number::New(info.Env(), static_cast<double>(c.sizes.size())));
  out.Set("totalAllocations", Napi::Number::New(info.Env(), static_cast<double>(c.allocations)));
  out.Set("cachedBytes", Napi::Number::New(info.Env(), static_cast<double>(c.cachedBytes)));
  out.Set("cacheLimitBytes", Napi::Number::New(info.Env(), static_cast<double>(c.cacheLimit)));
  out.Set("cacheHits", Napi::Number::New(info.Env(), static_cast<double>(c.cacheHits)));
  return out;
}

// setCacheLimit(bytes): the most freed memory kept for reuse; 0 turns caching off and frees the cache.
PE_FN(setCacheLimit) {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.cacheLimit = static_cast<size_t>(toUnsigned(info[0], "bytes"));
  if (c.cachedBytes > c.cacheLimit) releaseCache(c);
  return info.Env().Undefined();
}

PE_FN(emptyCache) {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  releaseCache(c);
  return info.Env().Undefined();
}

PE_FN(resetPeakMemory) {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.peak = c.current;
  return info.Env().Undefined();
}

}  // namespace

void installCountingAllocator() {
  // Priority above the default CPU allocator's registration so that ours stays in place.
  c10::SetCPUAllocator(&allocatorInstance, /*priority=*/10);
}


}  // namespace pe
