// The part PacketSocket and Ipv6RawSocket share: a non-blocking fd watched by
// a libuv poll handle on the addon's own event loop, JS callbacks for readable
// data and for "writable again", idempotent close, and cleanup on GC.
#ifndef VIGIL_POLLED_SOCKET_H
#define VIGIL_POLLED_SOCKET_H

#include <node_api.h>
#include <uv.h>

namespace vigil {

class PolledSocket {
 public:
  virtual ~PolledSocket();

  PolledSocket(const PolledSocket&) = delete;
  PolledSocket& operator=(const PolledSocket&) = delete;

  bool closed() const { return fd_ < 0; }
  int fd() const { return fd_; }

  // Unwraps `this` for a method whose property descriptor carries the class's
  // type tag as `data`; throws (and returns nullptr) for foreign receivers or
  // when the socket is closed and `require_open` is set.
  static PolledSocket* Unwrap(napi_env env, napi_callback_info info, size_t count, napi_value* argv,
                              bool require_open);

  // Methods every socket class exposes; register them with the class's tag as data.
  static napi_value JsStartReceiving(napi_env env, napi_callback_info info);
  static napi_value JsStopReceiving(napi_env env, napi_callback_info info);
  static napi_value JsAwaitWritable(napi_env env, napi_callback_info info);
  static napi_value JsClose(napi_env env, napi_callback_info info);
  static napi_value JsIsClosed(napi_env env, napi_callback_info info);

 protected:
  // Takes ownership of `fd` (already non-blocking).
  explicit PolledSocket(int fd);

  // Binds this object to the JS wrapper. On failure a JS exception is pending
  // and the caller must delete this object.
  bool Attach(napi_env env, napi_value self, const napi_type_tag* tag, const char* resource_name);

  // Reads everything currently queued (bounded), delivering each datagram with
  // CallReceiver. Runs inside a handle scope with `self` alive.
  virtual void DrainReadable(napi_env env, napi_value self) = 0;

  // Calls the receive callback with argv; returns true while the socket is
  // still open and receiving (the callback may close it or stop receiving).
  bool CallReceiver(napi_env env, napi_value self, size_t argc, napi_value* argv);

  // Delivers `error` to the receive callback as its only argument.
  bool DeliverError(napi_env env, napi_value self, napi_value error);

 private:
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnHandleClosed(uv_handle_t* handle);
  static void OnEnvCleanup(void* arg);
  static void Finalize(napi_env env, void* data, void* hint);

  // Arms the poll handle for the events someone is waiting for; returns a libuv error.
  int UpdatePolling();
  // Keeps the JS wrapper alive while a callback is registered (the poll handle
  // holds a raw pointer to this object).
  void UpdatePin(napi_env env);
  void ReleaseCallbacks(napi_env env);
  void FireWritable(napi_env env, napi_value self, napi_value error);
  // Closes the fd and the poll handle without touching JS.
  void CloseFd();

  int fd_;
  napi_env env_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  napi_ref wrapper_ = nullptr;
  bool pinned_ = false;
  napi_ref receiver_ = nullptr;
  napi_ref writable_waiter_ = nullptr;
  napi_async_context async_context_ = nullptr;
  bool cleanup_hook_registered_ = false;
};

// Creates an object with the given named int32/bool/string properties; small
// helpers for building the `info` objects that accompany received packets.
void SetInt32Property(napi_env env, napi_value object, const char* key, int32_t value);
void SetBoolProperty(napi_env env, napi_value object, const char* key, bool value);
void SetStringProperty(napi_env env, napi_value object, const char* key, const char* value);
void SetNullProperty(napi_env env, napi_value object, const char* key);

}  // namespace vigil

#endif
