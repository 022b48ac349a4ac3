// Client sockets read and written by the node itself, in batches (docs/native-io.md).
//
// Node reads a socket with one call into JavaScript per read: libuv's read callback, the
// stream wrap, MakeCallback (async hooks, the nextTick queue, a microtask checkpoint) and the
// stream's onread code. Under `redis-benchmark -P 1` a read is one request, and that machinery
// cost about 1 µs of CPU per request more than Redis's read path (docs/performance-notes.md,
// session 7). Here libuv polls each client descriptor directly (uv_poll_t); its callback
// read()s into one batch buffer and notes (id, bytes, offset). After the poll phase, a check
// handle calls JavaScript once with every read of the loop iteration, as Redis's event loop
// reads every ready client and then runs beforeSleep. Replies are written with write(2) here;
// what the kernel does not take is kept and written when the socket is writable again.
//
// Descriptors come from sockets Node accepted (listen options, backlog, IPv6 and unix sockets
// stay Node's): adopt() takes a duplicate, and the caller then destroys Node's socket, so no
// two libuv handles ever watch one descriptor.
//
// One instance per process, bound to the isolate that called init() (the main thread).

#include <node.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::Global;
using v8::HandleScope;
using v8::Int32Array;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Uint8Array;
using v8::Value;

// Bytes read per read(2): libuv's own read size for streams.
constexpr size_t READ_BYTES = 64 * 1024;
// Ints per record in the records array: connection id, bytes (0: end of stream, < 0: -errno),
// offset in the batch buffer.
constexpr size_t RECORD_INTS = 3;

struct Conn {
  uv_poll_t poll;
  int fd;
  int32_t id;
  // UV_READABLE / UV_WRITABLE as currently polled.
  int events = 0;
  bool reading = true;
  bool endAfterWrite = false;
  bool closed = false;
  // Reply bytes the kernel did not take yet, from pendingOffset on.
  std::vector<char> pending;
  size_t pendingOffset = 0;
  // pending.size() as last reported to V8 as external memory (used_memory counts it, as it
  // counted the Buffers queued on a Node socket).
  int64_t reportedBytes = 0;

  size_t PendingBytes() const { return pending.size() - pendingOffset; }
};

struct State {
  Isolate* isolate = nullptr;
  uv_loop_t* loop = nullptr;
  uv_check_t check;
  Global<Context> context;
  Global<Object> resource;
  Global<Function> onBatch;
  node::async_context asyncContext{};
  // The batch: JavaScript's buffers, held for their backing stores.
  Global<Uint8Array> bufferHandle;
  Global<Int32Array> recordsHandle;
  uint8_t* buffer = nullptr;
  size_t bufferBytes = 0;
  size_t usedBytes = 0;
  int32_t* records = nullptr;
  size_t maxRecords = 0;
  size_t recordCount = 0;
  // Open connections by slot (an id's low ID_SLOT_BITS); freeSlots holds the closed ones' slots.
  std::vector<Conn*> slots;
  // The generation of the id each slot last had.
  std::vector<int32_t> generations;
  std::vector<int32_t> freeSlots;
  size_t openConns = 0;
};

// A connection id is its slot plus a generation that changes each time the slot is reused, so
// an id never names a later connection (a stale record or call is ignored).
constexpr int ID_SLOT_BITS = 20;
constexpr int32_t ID_SLOT_MASK = (1 << ID_SLOT_BITS) - 1;
constexpr int32_t ID_GENERATIONS = 1 << (31 - ID_SLOT_BITS);

State* state = nullptr;

void CloseConn(Conn* conn);
void OnPoll(uv_poll_t* handle, int status, int events);

void UpdateEvents(Conn* conn) {
  if (conn->closed) return;
  int events = (conn->reading ? UV_READABLE : 0) | (conn->PendingBytes() > 0 ? UV_WRITABLE : 0);
  if (events == conn->events) return;
  conn->events = events;
  if (events == 0) uv_poll_stop(&conn->poll);
  else uv_poll_start(&conn->poll, events, OnPoll);
}

// Tells V8 how the connection's pending bytes changed (see Conn::reportedBytes).
void ReportPending(Conn* conn) {
  int64_t bytes = conn->closed ? 0 : static_cast<int64_t>(conn->pending.size());
  if (bytes == conn->reportedBytes) return;
  state->isolate->AdjustAmountOfExternalAllocatedMemory(bytes - conn->reportedBytes);
  conn->reportedBytes = bytes;
}

void AddRecord(int32_t id, int32_t bytes, int32_t offset) {
  int32_t* record = state->records + state->recordCount * RECORD_INTS;
  record[0] = id;
  record[1] = bytes;
  record[2] = offset;
  state->recordCount++;
}

// Hands the batch to JavaScript; the buffer and records are reused afterwards.
void Dispatch() {
  if (state->recordCount == 0) return;
  Isolate* isolate = state->isolate;
  HandleScope scope(isolate);
  Local<Context> context = state->context.Get(isolate);
  Context::Scope contextScope(context);
  Local<Value> argv[] = {Integer::New(isolate, static_cast<int32_t>(state->recordCount))};
  // MakeCallback, as Node's own I/O callbacks: nextTicks and microtasks run when it returns.
  node::MakeCallback(isolate, state->resource.Get(isolate), state->onBatch.Get(isolate), 1, argv, state->asyncContext);
  state->recordCount = 0;
  state->usedBytes = 0;
}

// Writes what is pending; false when the connection failed (it is then reported and stopped).
bool WritePending(Conn* conn) {
  while (conn->PendingBytes() > 0) {
    ssize_t written = write(conn->fd, conn->pending.data() + conn->pendingOffset, conn->PendingBytes());
    if (written > 0) {
      conn->pendingOffset += static_cast<size_t>(written);
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  if (conn->PendingBytes() == 0) {
    // A large reply's block is given back; a small one is kept for the next partial write.
    if (conn->pending.capacity() > READ_BYTES) std::vector<char>().swap(conn->pending);
    else conn->pending.clear();
    conn->pendingOffset = 0;
    ReportPending(conn);
  }
  return true;
}

void OnPoll(uv_poll_t* handle, int status, int events) {
  Conn* conn = static_cast<Conn*>(handle->data);
  if (conn->closed) return;
  if (status < 0) {
    // Reported as a read error: JavaScript closes the session.
    conn->reading = false;
    if (state->recordCount == state->maxRecords) Dispatch();
    if (conn->closed) return;
    AddRecord(conn->id, status, 0);
    UpdateEvents(conn);
    return;
  }
  if ((events & UV_WRITABLE) != 0) {
    if (!WritePending(conn)) {
      // Kept before the calls below, which may change errno.
      const int error = errno;
      if (conn->endAfterWrite) {
        CloseConn(conn);
        return;
      }
      conn->reading = false;
      conn->pending.clear();
      conn->pendingOffset = 0;
      ReportPending(conn);
      if (state->recordCount == state->maxRecords) Dispatch();
      if (conn->closed) return;
      // Never 0 (end of stream): any failure closes the session.
      AddRecord(conn->id, error > 0 ? -error : -EIO, 0);
      UpdateEvents(conn);
      return;
    }
    if (conn->PendingBytes() == 0 && conn->endAfterWrite) {
      CloseConn(conn);
      return;
    }
    UpdateEvents(conn);
  }
  if ((events & (UV_READABLE | UV_DISCONNECT)) == 0 || !conn->reading) return;
  if (state->bufferBytes - state->usedBytes < READ_BYTES || state->recordCount == state->maxRecords) {
    Dispatch();
    if (conn->closed || !conn->reading) return;
  }
  ssize_t bytes;
  do {
    bytes = read(conn->fd, state->buffer + state->usedBytes, READ_BYTES);
  } while (bytes < 0 && errno == EINTR);
  if (bytes > 0) {
    AddRecord(conn->id, static_cast<int32_t>(bytes), static_cast<int32_t>(state->usedBytes));
    state->usedBytes += static_cast<size_t>(bytes);
    return;
  }
  if (bytes < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  // End of stream (0) or an error (-errno): no more reads; JavaScript closes the session.
  const int error = errno;
  AddRecord(conn->id, bytes == 0 ? 0 : -(error > 0 ? error : EIO), 0);
  conn->reading = false;
  UpdateEvents(conn);
}

void OnCheck(uv_check_t*) { Dispatch(); }

void CloseConn(Conn* conn) {
  if (conn->closed) return;
  conn->closed = true;
  ReportPending(conn);
  int32_t slot = conn->id & ID_SLOT_MASK;
  state->slots[slot] = nullptr;
  state->freeSlots.push_back(slot);
  state->openConns--;
  // uv_poll_stop drops the descriptor from epoll before it is closed.
  uv_poll_stop(&conn->poll);
  close(conn->fd);
  uv_close(reinterpret_cast<uv_handle_t*>(&conn->poll), [](uv_handle_t* handle) { delete static_cast<Conn*>(handle->data); });
}

Conn* Find(const FunctionCallbackInfo<Value>& args) {
  if (state == nullptr || !args[0]->IsInt32()) return nullptr;
  int32_t id = args[0].As<v8::Int32>()->Value();
  size_t slot = static_cast<size_t>(id & ID_SLOT_MASK);
  if (id < 0 || slot >= state->slots.size()) return nullptr;
  Conn* conn = state->slots[slot];
  return conn != nullptr && conn->id == id ? conn : nullptr;
}

// init(onBatch, buffer: Uint8Array, records: Int32Array): true once set up on this thread.
void Init(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (state != nullptr || args.Length() < 3 || !args[0]->IsFunction() || !args[1]->IsUint8Array() || !args[2]->IsInt32Array()) {
    args.GetReturnValue().Set(false);
    return;
  }
  Local<Context> context = isolate->GetCurrentContext();
  state = new State();
  state->isolate = isolate;
  state->loop = node::GetCurrentEventLoop(isolate);
  state->context.Reset(isolate, context);
  state->onBatch.Reset(isolate, args[0].As<Function>());
  Local<Object> resource = Object::New(isolate);
  state->resource.Reset(isolate, resource);
  state->asyncContext = node::EmitAsyncInit(isolate, resource, "TESSERA_CLIENT_IO");
  Local<Uint8Array> buffer = args[1].As<Uint8Array>();
  Local<Int32Array> records = args[2].As<Int32Array>();
  state->bufferHandle.Reset(isolate, buffer);
  state->recordsHandle.Reset(isolate, records);
  state->buffer = static_cast<uint8_t*>(buffer->Buffer()->Data()) + buffer->ByteOffset();
  state->bufferBytes = buffer->ByteLength();
  state->records = reinterpret_cast<int32_t*>(static_cast<uint8_t*>(records->Buffer()->Data()) + records->ByteOffset());
  state->maxRecords = records->Length() / RECORD_INTS;
  uv_check_init(state->loop, &state->check);
  uv_check_start(&state->check, OnCheck);
  // The check handle alone must not keep the process alive; the connections' polls do.
  uv_unref(reinterpret_cast<uv_handle_t*>(&state->check));
  args.GetReturnValue().Set(state->bufferBytes >= 2 * READ_BYTES && state->maxRecords > 0);
}

// adopt(fd): polls a duplicate of fd; returns the new connection's id (>= 0), or -errno.
void Adopt(const FunctionCallbackInfo<Value>& args) {
  if (state == nullptr || !args[0]->IsInt32()) {
    args.GetReturnValue().Set(-EINVAL);
    return;
  }
  int fd = fcntl(args[0].As<v8::Int32>()->Value(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    args.GetReturnValue().Set(-errno);
    return;
  }
  // Node's sockets are non-blocking, and the flag belongs to the open file both descriptors share;
  // set anyway, for a descriptor from elsewhere.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int32_t slot;
  if (!state->freeSlots.empty()) {
    slot = state->freeSlots.back();
    state->freeSlots.pop_back();
  } else if (state->slots.size() <= static_cast<size_t>(ID_SLOT_MASK)) {
    slot = static_cast<int32_t>(state->slots.size());
    state->slots.push_back(nullptr);
    state->generations.push_back(0);
  } else {
    close(fd);
    args.GetReturnValue().Set(-EMFILE);
    return;
  }
  Conn* conn = new Conn();
  conn->fd = fd;
  int error = uv_poll_init_socket(state->loop, &conn->poll, fd);
  if (error != 0) {
    close(fd);
    delete conn;
    state->freeSlots.push_back(slot);
    args.GetReturnValue().Set(error);
    return;
  }
  int32_t generation = (state->generations[slot] + 1) % ID_GENERATIONS;
  state->generations[slot] = generation;
  conn->id = (generation << ID_SLOT_BITS) | slot;
  conn->poll.data = conn;
  conn->events = UV_READABLE;
  uv_poll_start(&conn->poll, UV_READABLE, OnPoll);
  state->slots[slot] = conn;
  state->openConns++;
  args.GetReturnValue().Set(conn->id);
}

// fdOf(id): the connection's descriptor (CLIENT LIST), -1 when it is not open.
void FdOf(const FunctionCallbackInfo<Value>& args) {
  Conn* conn = Find(args);
  args.GetReturnValue().Set(conn == nullptr ? -1 : conn->fd);
}

// write(id, bytes: Uint8Array, start, count): writes now what the kernel takes and keeps the
// rest. Returns the bytes still pending for the connection, or -errno when it failed (the
// caller closes it) or is unknown.
void Write(const FunctionCallbackInfo<Value>& args) {
  Conn* conn = Find(args);
  if (conn == nullptr || conn->endAfterWrite) {
    args.GetReturnValue().Set(-EBADF);
    return;
  }
  if (!args[1]->IsUint8Array() || !args[2]->IsUint32() || !args[3]->IsUint32()) {
    args.GetReturnValue().Set(-EINVAL);
    return;
  }
  Local<Uint8Array> bytes = args[1].As<Uint8Array>();
  const char* data = static_cast<const char*>(bytes->Buffer()->Data()) + bytes->ByteOffset();
  size_t start = static_cast<size_t>(args[2].As<v8::Uint32>()->Value());
  size_t count = static_cast<size_t>(args[3].As<v8::Uint32>()->Value());
  if (start > bytes->ByteLength() || count > bytes->ByteLength() - start) {
    args.GetReturnValue().Set(-EINVAL);
    return;
  }
  data += start;
  if (conn->PendingBytes() == 0) {
    while (count > 0) {
      ssize_t written = write(conn->fd, data, count);
      if (written > 0) {
        data += written;
        count -= static_cast<size_t>(written);
        continue;
      }
      if (written < 0 && errno == EINTR) continue;
      if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      args.GetReturnValue().Set(-errno);
      return;
    }
  }
  if (count > 0) {
    conn->pending.insert(conn->pending.end(), data, data + count);
    ReportPending(conn);
    UpdateEvents(conn);
  }
  // An int32 return is a small integer to V8 (no heap number); pending bytes above 2 GB read
  // as a double.
  size_t pending = conn->PendingBytes();
  if (pending <= INT32_MAX) args.GetReturnValue().Set(static_cast<int32_t>(pending));
  else args.GetReturnValue().Set(static_cast<double>(pending));
}

// pending(id): reply bytes the kernel has not taken yet (0 for an unknown connection).
void Pending(const FunctionCallbackInfo<Value>& args) {
  Conn* conn = Find(args);
  args.GetReturnValue().Set(conn == nullptr ? 0.0 : static_cast<double>(conn->PendingBytes()));
}

// end(id): stops reading and closes once the pending bytes are written (QUIT, protocol errors).
void End(const FunctionCallbackInfo<Value>& args) {
  Conn* conn = Find(args);
  if (conn == nullptr) return;
  if (conn->PendingBytes() == 0) {
    CloseConn(conn);
    return;
  }
  conn->endAfterWrite = true;
  conn->reading = false;
  UpdateEvents(conn);
}

// close(id): closes now; pending bytes are dropped.
void Close(const FunctionCallbackInfo<Value>& args) {
  Conn* conn = Find(args);
  if (conn != nullptr) CloseConn(conn);
}

// connections(): how many connections are open here (tests).
void Connections(const FunctionCallbackInfo<Value>& args) {
  args.GetReturnValue().Set(static_cast<double>(state == nullptr ? 0 : state->openConns));
}

}  // namespace

NODE_MODULE_INIT() {
  NODE_SET_METHOD(exports, "init", Init);
  NODE_SET_METHOD(exports, "adopt", Adopt);
  NODE_SET_METHOD(exports, "fdOf", FdOf);
  NODE_SET_METHOD(exports, "write", Write);
  NODE_SET_METHOD(exports, "pending", Pending);
  NODE_SET_METHOD(exports, "end", End);
  NODE_SET_METHOD(exports, "close", Close);
  NODE_SET_METHOD(exports, "connections", Connections);
}
