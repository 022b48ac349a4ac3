// External latin1 strings for large command arguments (docs/external-strings.md).
//
// A bulk argument of EXTERNAL_STRING_MIN_BYTES or more (src/lib/external-strings.ts) becomes a
// V8 external one-byte string: V8 holds a small header, the bytes live in malloc'd memory freed
// when V8 collects the string. A scavenge then copies the header, not the bytes: under
// `SET -d 1024` each stored value used to be copied twice by the young-generation GC (into the
// survivor space, then into the old generation), which made scavenges of 4-5 ms.
//
// V8 does not count external string bytes toward any GC trigger, so replaced values would pile
// up in malloc until the old generation grew for other reasons. This module therefore watches
// its own live bytes and starts a major GC cycle (incremental, concurrent marking) once they
// grew by as much as was live after the last major GC (at least MIN_GROWTH_BYTES): see
// KickMajorGc. A smaller growth (half) measured worse p99 latency: twice the major GCs, whose
// concurrent marking competes with the clients for the CPU (docs/external-strings.md).

#include <node.h>
#include <node_buffer.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace {

using v8::FunctionCallbackInfo;
using v8::GCCallbackFlags;
using v8::GCType;
using v8::Isolate;
using v8::Local;
using v8::String;
using v8::Value;

// Bytes held by external strings not yet finalized (live, or garbage V8 has not collected).
std::atomic<int64_t> live_bytes{0};
// live_bytes right after the last mark-compact (garbage then finalized: the live figure).
std::atomic<int64_t> live_bytes_after_major_gc{0};
// A major GC was requested and has not finished yet.
std::atomic<bool> major_gc_requested{false};
std::atomic<int64_t> major_gc_requests{0};

constexpr int64_t MIN_GROWTH_BYTES = int64_t{64} << 20;
// Above V8's external-memory soft limit (64 MB over the level after the last mark-compact),
// far below its hard limit (half the old generation's maximum), which would force an atomic
// full GC instead of starting incremental marking.
constexpr int64_t KICK_BYTES = int64_t{128} << 20;

// Freed byte blocks go to a background thread. V8 disposes of dead external strings inside the
// GC pause that finalizes them (a mark-compact ends with tens of thousands after a burst of 1 KB
// SETs): a free() of a 1 KB block there costs a cache miss or two on the chunk headers it
// coalesces with. Disposing now appends a pointer; FreeWorker frees the batch after the GC.
// The state is allocated once and never destroyed: the detached worker may still wait on it
// while the process exits.
struct FreeQueue {
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<void*> blocks;
};
FreeQueue* free_queue = nullptr;

void FreeWorker(FreeQueue* queue) {
  std::vector<void*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue->mutex);
      queue->ready.wait(lock, [queue] { return !queue->blocks.empty(); });
      batch.swap(queue->blocks);
    }
    for (void* block : batch) std::free(block);
    batch.clear();
  }
}

// A string's resource (V8's handle on it: vtable, bytes pointer, length) lives in a dense pool,
// apart from its bytes. V8 calls Dispose() on every dead external string inside the mark-compact
// pause (clear.external_string_table), and the virtual call reads the resource. When the resource
// headed its own 1 KB block, that was a cache miss per string: under `SET -d 1024`
// (~77k dead strings per major GC) it made 9 ms of a 14 ms pause (--trace-gc-nvp). Packed
// 24-byte resources share cache lines and pages.
class ResourcePool {
 public:
  // Called with free_queue->mutex held (or before the worker exists).
  void* Allocate(size_t size) {
    if (free_list_ != nullptr) {
      void* slot = free_list_;
      free_list_ = *static_cast<void**>(slot);
      return slot;
    }
    if (bump_left_ == 0) {
      bump_ = static_cast<char*>(std::malloc(size * CHUNK_SLOTS));
      if (bump_ == nullptr) return nullptr;
      bump_left_ = CHUNK_SLOTS;
    }
    void* slot = bump_;
    bump_ += size;
    bump_left_--;
    return slot;
  }

  // Called with free_queue->mutex held (or before the worker exists).
  void Release(void* slot) {
    *static_cast<void**>(slot) = free_list_;
    free_list_ = slot;
  }

 private:
  static constexpr size_t CHUNK_SLOTS = 4096;
  void* free_list_ = nullptr;
  char* bump_ = nullptr;
  size_t bump_left_ = 0;
};

// Chunks are never returned: the pool is as large as the most external strings ever alive at
// once (24 bytes each), like an allocator's arena.
ResourcePool resource_pool;
std::mutex pool_mutex_without_queue;

std::mutex& PoolMutex() { return free_queue != nullptr ? free_queue->mutex : pool_mutex_without_queue; }

class Latin1Resource final : public String::ExternalOneByteStringResource {
 public:
  static Latin1Resource* Create(const char* bytes, size_t length) {
    char* copy = static_cast<char*>(std::malloc(length));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, bytes, length);
    void* slot;
    {
      std::lock_guard<std::mutex> lock(PoolMutex());
      slot = resource_pool.Allocate(sizeof(Latin1Resource));
    }
    if (slot == nullptr) {
      std::free(copy);
      return nullptr;
    }
    return new (slot) Latin1Resource(copy, length);
  }

  const char* data() const override { return data_; }
  size_t length() const override { return length_; }

  // Called by V8 when the string dies (instead of `delete this`).
  void Dispose() override {
    live_bytes.fetch_sub(static_cast<int64_t>(length_), std::memory_order_relaxed);
    char* bytes = data_;
    this->~Latin1Resource();
    std::lock_guard<std::mutex> lock(PoolMutex());
    resource_pool.Release(this);
    if (free_queue == nullptr) std::free(bytes);
    else free_queue->blocks.push_back(bytes);
  }

  // For a resource V8 refused.
  void Release() { Dispose(); }

 private:
  Latin1Resource(char* data, size_t length) : data_(data), length_(length) {
    live_bytes.fetch_add(static_cast<int64_t>(length), std::memory_order_relaxed);
  }

  char* data_;
  size_t length_;
};

// After every GC: hand what it disposed of to the worker.
void OnGcEnd(Isolate*, GCType, GCCallbackFlags, void*) {
  if (free_queue == nullptr) return;
  bool any;
  {
    std::lock_guard<std::mutex> lock(free_queue->mutex);
    any = !free_queue->blocks.empty();
  }
  if (any) free_queue->ready.notify_one();
}

void OnMajorGcEnd(Isolate*, GCType, GCCallbackFlags, void*) {
  live_bytes_after_major_gc.store(live_bytes.load(std::memory_order_relaxed), std::memory_order_relaxed);
  major_gc_requested.store(false, std::memory_order_relaxed);
}

// Starts a major GC cycle. Reporting KICK_BYTES of external memory makes V8 start incremental
// marking (Heap::ReportExternalMemoryPressure); taking them back at once leaves its accounting
// as it was. MemoryPressureNotification(kModerate) would start one too, but flagged to reduce
// memory: it compacts every page (measured: 30-60 ms pauses instead of ~10-20).
void KickMajorGc(Isolate* isolate) {
  major_gc_requests.fetch_add(1, std::memory_order_relaxed);
  isolate->AdjustAmountOfExternalAllocatedMemory(KICK_BYTES);
  isolate->AdjustAmountOfExternalAllocatedMemory(-KICK_BYTES);
}

void MaybeKickMajorGc(Isolate* isolate) {
  if (major_gc_requested.load(std::memory_order_relaxed)) return;
  const int64_t base = live_bytes_after_major_gc.load(std::memory_order_relaxed);
  const int64_t growth = live_bytes.load(std::memory_order_relaxed) - base;
  const int64_t threshold = base > MIN_GROWTH_BYTES ? base : MIN_GROWTH_BYTES;
  if (growth <= threshold) return;
  major_gc_requested.store(true, std::memory_order_relaxed);
  KickMajorGc(isolate);
}

// latin1(buffer, start, end): the bytes buffer[start, end) as an external one-byte string.
void Latin1(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (args.Length() < 3 || !node::Buffer::HasInstance(args[0]) || !args[1]->IsUint32() || !args[2]->IsUint32()) {
    isolate->ThrowException(v8::Exception::TypeError(String::NewFromUtf8Literal(isolate, "latin1(buffer, start, end)")));
    return;
  }
  const size_t buffer_length = node::Buffer::Length(args[0]);
  const uint32_t start = args[1].As<v8::Uint32>()->Value();
  const uint32_t end = args[2].As<v8::Uint32>()->Value();
  if (start > end || end > buffer_length) {
    isolate->ThrowException(v8::Exception::RangeError(String::NewFromUtf8Literal(isolate, "latin1: range outside the buffer")));
    return;
  }
  const size_t length = end - start;
  // V8 refuses empty external strings; callers pass large arguments only, but stay correct.
  if (length == 0) {
    args.GetReturnValue().Set(String::Empty(isolate));
    return;
  }
  auto* resource = Latin1Resource::Create(node::Buffer::Data(args[0]) + start, length);
  if (resource == nullptr) {
    isolate->ThrowException(v8::Exception::RangeError(String::NewFromUtf8Literal(isolate, "latin1: out of memory")));
    return;
  }
  Local<String> text;
  if (!String::NewExternalOneByte(isolate, resource).ToLocal(&text)) {
    // V8 did not take the resource (too long): it stays ours to free. An exception is pending.
    resource->Release();
    return;
  }
  MaybeKickMajorGc(isolate);
  args.GetReturnValue().Set(text);
}

// liveBytes(): bytes held by external strings V8 has not finalized yet.
void LiveBytes(const FunctionCallbackInfo<Value>& args) {
  args.GetReturnValue().Set(static_cast<double>(live_bytes.load(std::memory_order_relaxed)));
}

// majorGcRequests(): how many major GCs this module started (tests, INFO).
void MajorGcRequests(const FunctionCallbackInfo<Value>& args) {
  args.GetReturnValue().Set(static_cast<double>(major_gc_requests.load(std::memory_order_relaxed)));
}

// isExternal(text): whether V8 holds `text` as an external one-byte string (tests).
void IsExternal(const FunctionCallbackInfo<Value>& args) {
  args.GetReturnValue().Set(args.Length() > 0 && args[0]->IsString() && args[0].As<String>()->IsExternalOneByte());
}

}  // namespace

NODE_MODULE_INIT() {
  Isolate* isolate = context->GetIsolate();
  isolate->AddGCEpilogueCallback(OnMajorGcEnd, nullptr, v8::kGCTypeMarkSweepCompact);
  isolate->AddGCEpilogueCallback(OnGcEnd, nullptr, v8::kGCTypeAll);
  if (free_queue == nullptr) {
    free_queue = new FreeQueue();
    std::thread(FreeWorker, free_queue).detach();
  }
  NODE_SET_METHOD(exports, "latin1", Latin1);
  NODE_SET_METHOD(exports, "liveBytes", LiveBytes);
  NODE_SET_METHOD(exports, "majorGcRequests", MajorGcRequests);
  NODE_SET_METHOD(exports, "isExternal", IsExternal);
}
