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
#include <cstdint>
#include <cstdlib>
#include <cstring>

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

class Latin1Resource final : public String::ExternalOneByteStringResource {
 public:
  Latin1Resource(char* data, size_t length) : data_(data), length_(length) {
    live_bytes.fetch_add(static_cast<int64_t>(length), std::memory_order_relaxed);
  }
  ~Latin1Resource() override {
    live_bytes.fetch_sub(static_cast<int64_t>(length_), std::memory_order_relaxed);
    std::free(data_);
  }
  const char* data() const override { return data_; }
  size_t length() const override { return length_; }

 private:
  char* data_;
  size_t length_;
};

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
  char* data = static_cast<char*>(std::malloc(length));
  if (data == nullptr) {
    isolate->ThrowException(v8::Exception::RangeError(String::NewFromUtf8Literal(isolate, "latin1: out of memory")));
    return;
  }
  std::memcpy(data, node::Buffer::Data(args[0]) + start, length);
  auto* resource = new Latin1Resource(data, length);
  Local<String> text;
  if (!String::NewExternalOneByte(isolate, resource).ToLocal(&text)) {
    // V8 did not take the resource (too long): it stays ours to free. An exception is pending.
    delete resource;
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
  NODE_SET_METHOD(exports, "latin1", Latin1);
  NODE_SET_METHOD(exports, "liveBytes", LiveBytes);
  NODE_SET_METHOD(exports, "majorGcRequests", MajorGcRequests);
  NODE_SET_METHOD(exports, "isExternal", IsExternal);
}
