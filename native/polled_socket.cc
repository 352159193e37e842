#include "polled_socket.h"

#include <errno.h>
#include <new>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_error.h"
#include "napi_args.h"

namespace vigil {

PolledSocket::PolledSocket(int fd) : fd_(fd) {}

PolledSocket::~PolledSocket() { CloseFd(); }

bool PolledSocket::Attach(napi_env env, napi_value self, const napi_type_tag* tag, const char* resource_name) {
  env_ = env;
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_get_uv_event_loop failed");
    return false;
  }
  napi_value name;
  if (napi_create_string_utf8(env, resource_name, NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, nullptr, name, &async_context_) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_async_init failed");
    return false;
  }
  if (napi_wrap(env, self, this, Finalize, nullptr, &wrapper_) != napi_ok) {
    napi_async_destroy(env, async_context_);
    async_context_ = nullptr;
    napi_throw_error(env, "ERR_NAPI", "napi_wrap failed");
    return false;
  }
  // From here on the finalizer owns this object, whatever else fails.
  napi_type_tag_object(env, self, tag);
  if (napi_add_env_cleanup_hook(env, OnEnvCleanup, this) == napi_ok) cleanup_hook_registered_ = true;
  return true;
}

PolledSocket* PolledSocket::Unwrap(napi_env env, napi_callback_info info, size_t count, napi_value* argv,
                                   bool require_open) {
  size_t argc = count;
  napi_value self;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, &self, &data) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_get_cb_info failed");
    return nullptr;
  }
  bool tagged = false;
  if (data == nullptr ||
      napi_check_object_type_tag(env, self, static_cast<const napi_type_tag*>(data), &tagged) != napi_ok ||
      !tagged) {
    napi_throw_type_error(env, "ERR_INVALID_THIS", "method called on an incompatible receiver");
    return nullptr;
  }
  void* native = nullptr;
  if (napi_unwrap(env, self, &native) != napi_ok || native == nullptr) {
    napi_throw_type_error(env, "ERR_INVALID_THIS", "socket object is not initialised");
    return nullptr;
  }
  auto* socket = static_cast<PolledSocket*>(native);
  if (require_open && socket->closed()) {
    ThrowErrnoError(env, EBADF, "socket", "socket is closed");
    return nullptr;
  }
  return socket;
}

napi_value PolledSocket::JsStartReceiving(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  PolledSocket* socket = Unwrap(env, info, 1, argv, true);
  if (socket == nullptr || !ReadFunction(env, argv[0], "callback")) return nullptr;
  if (socket->receiver_ != nullptr) napi_delete_reference(env, socket->receiver_);
  napi_create_reference(env, argv[0], 1, &socket->receiver_);
  socket->UpdatePin(env);
  int err = socket->UpdatePolling();
  if (err < 0) {
    napi_delete_reference(env, socket->receiver_);
    socket->receiver_ = nullptr;
    socket->UpdatePin(env);
    return ThrowErrnoError(env, -err, "uv_poll_start", nullptr);
  }
  return nullptr;
}

napi_value PolledSocket::JsStopReceiving(napi_env env, napi_callback_info info) {
  PolledSocket* socket = Unwrap(env, info, 0, nullptr, false);
  if (socket == nullptr) return nullptr;
  if (socket->receiver_ != nullptr) {
    napi_delete_reference(env, socket->receiver_);
    socket->receiver_ = nullptr;
  }
  if (!socket->closed()) socket->UpdatePolling();
  socket->UpdatePin(env);
  return nullptr;
}

napi_value PolledSocket::JsAwaitWritable(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  PolledSocket* socket = Unwrap(env, info, 1, argv, true);
  if (socket == nullptr || !ReadFunction(env, argv[0], "callback")) return nullptr;
  if (socket->writable_waiter_ != nullptr) {
    napi_throw_error(env, "ERR_ALREADY_WAITING", "awaitWritable is already pending on this socket");
    return nullptr;
  }
  napi_create_reference(env, argv[0], 1, &socket->writable_waiter_);
  socket->UpdatePin(env);
  int err = socket->UpdatePolling();
  if (err < 0) {
    napi_delete_reference(env, socket->writable_waiter_);
    socket->writable_waiter_ = nullptr;
    socket->UpdatePin(env);
    return ThrowErrnoError(env, -err, "uv_poll_start", nullptr);
  }
  return nullptr;
}

napi_value PolledSocket::JsClose(napi_env env, napi_callback_info info) {
  PolledSocket* socket = Unwrap(env, info, 0, nullptr, false);
  if (socket == nullptr) return nullptr;
  socket->CloseFd();
  socket->ReleaseCallbacks(env);
  return nullptr;
}

napi_value PolledSocket::JsIsClosed(napi_env env, napi_callback_info info) {
  PolledSocket* socket = Unwrap(env, info, 0, nullptr, false);
  if (socket == nullptr) return nullptr;
  napi_value result;
  napi_get_boolean(env, socket->closed(), &result);
  return result;
}

int PolledSocket::UpdatePolling() {
  if (closed()) return 0;
  int events = (receiver_ != nullptr ? UV_READABLE : 0) | (writable_waiter_ != nullptr ? UV_WRITABLE : 0);
  if (events == 0) {
    if (poll_ != nullptr) uv_poll_stop(poll_);
    return 0;
  }
  if (poll_ == nullptr) {
    poll_ = new (std::nothrow) uv_poll_t;
    if (poll_ == nullptr) return UV_ENOMEM;
    int err = uv_poll_init(loop_, poll_, fd_);
    if (err < 0) {
      delete poll_;
      poll_ = nullptr;
      return err;
    }
    poll_->data = this;
  }
  return uv_poll_start(poll_, events, OnPoll);
}

void PolledSocket::UpdatePin(napi_env env) {
  bool want = !closed() && (receiver_ != nullptr || writable_waiter_ != nullptr);
  if (want == pinned_ || wrapper_ == nullptr) return;
  uint32_t count = 0;
  if (want) {
    napi_reference_ref(env, wrapper_, &count);
  } else {
    napi_reference_unref(env, wrapper_, &count);
  }
  pinned_ = want;
}

void PolledSocket::ReleaseCallbacks(napi_env env) {
  if (receiver_ != nullptr) {
    napi_delete_reference(env, receiver_);
    receiver_ = nullptr;
  }
  if (writable_waiter_ != nullptr) {
    napi_delete_reference(env, writable_waiter_);
    writable_waiter_ = nullptr;
  }
  UpdatePin(env);
}

void PolledSocket::CloseFd() {
  if (fd_ < 0) return;
  if (poll_ != nullptr) {
    // libuv requires the watcher stopped before its fd goes away; the handle
    // memory is released in the close callback, independent of this object.
    uv_poll_stop(poll_);
    poll_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), OnHandleClosed);
    poll_ = nullptr;
  }
  // Linux releases the descriptor even when close() reports EINTR; never retry.
  close(fd_);
  fd_ = -1;
}

void PolledSocket::OnHandleClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

void PolledSocket::OnEnvCleanup(void* arg) {
  auto* socket = static_cast<PolledSocket*>(arg);
  socket->cleanup_hook_registered_ = false;
  socket->CloseFd();
}

void PolledSocket::Finalize(napi_env env, void* data, void* hint) {
  auto* socket = static_cast<PolledSocket*>(data);
  if (socket->cleanup_hook_registered_) {
    napi_remove_env_cleanup_hook(env, OnEnvCleanup, socket);
    socket->cleanup_hook_registered_ = false;
  }
  socket->CloseFd();
  socket->pinned_ = false;
  if (socket->receiver_ != nullptr) napi_delete_reference(env, socket->receiver_);
  if (socket->writable_waiter_ != nullptr) napi_delete_reference(env, socket->writable_waiter_);
  socket->receiver_ = nullptr;
  socket->writable_waiter_ = nullptr;
  if (socket->wrapper_ != nullptr) napi_delete_reference(env, socket->wrapper_);
  socket->wrapper_ = nullptr;
  if (socket->async_context_ != nullptr) napi_async_destroy(env, socket->async_context_);
  socket->async_context_ = nullptr;
  delete socket;
}

void PolledSocket::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* socket = static_cast<PolledSocket*>(handle->data);
  if (socket == nullptr || socket->closed()) return;
  napi_env env = socket->env_;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value self = nullptr;
  if (socket->wrapper_ != nullptr) napi_get_reference_value(env, socket->wrapper_, &self);
  if (self != nullptr) {
    if (status < 0) {
      // libuv stops the watcher on POLLERR. Fetch (and so clear) the pending
      // socket error, e.g. ENETDOWN on a packet socket whose link went down,
      // report it, then re-arm so one error does not end reception.
      int pending = 0;
      socklen_t length = sizeof pending;
      int err = -status;
      if (getsockopt(socket->fd_, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 && pending != 0) err = pending;
      napi_value error = MakeErrnoError(env, err, "poll", nullptr);
      if (socket->receiver_ != nullptr) {
        socket->DeliverError(env, self, error);
      } else if (socket->writable_waiter_ != nullptr) {
        socket->FireWritable(env, self, error);
      }
      if (!socket->closed()) socket->UpdatePolling();
    } else {
      if ((events & UV_WRITABLE) != 0 && socket->writable_waiter_ != nullptr) {
        napi_value no_error;
        napi_get_null(env, &no_error);
        socket->FireWritable(env, self, no_error);
      }
      if ((events & UV_READABLE) != 0 && socket->receiver_ != nullptr && !socket->closed()) {
        socket->DrainReadable(env, self);
      }
    }
  }
  napi_close_handle_scope(env, scope);
}

void PolledSocket::FireWritable(napi_env env, napi_value self, napi_value error) {
  napi_value callback = nullptr;
  napi_get_reference_value(env, writable_waiter_, &callback);
  napi_delete_reference(env, writable_waiter_);
  writable_waiter_ = nullptr;
  UpdatePolling();
  UpdatePin(env);
  if (callback == nullptr) return;
  napi_value result;
  if (napi_make_callback(env, async_context_, self, callback, 1, &error, &result) == napi_pending_exception) {
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
    napi_fatal_exception(env, exception);
  }
}

bool PolledSocket::CallReceiver(napi_env env, napi_value self, size_t argc, napi_value* argv) {
  if (closed() || receiver_ == nullptr) return false;
  napi_value callback = nullptr;
  napi_get_reference_value(env, receiver_, &callback);
  if (callback == nullptr) return false;
  napi_value result;
  if (napi_make_callback(env, async_context_, self, callback, argc, argv, &result) == napi_pending_exception) {
    // A throwing callback is the application's uncaught exception, exactly as
    // for Node's own sockets; it must not unwind through libuv.
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
    napi_fatal_exception(env, exception);
  }
  return !closed() && receiver_ != nullptr;
}

bool PolledSocket::DeliverError(napi_env env, napi_value self, napi_value error) {
  if (error == nullptr) return !closed() && receiver_ != nullptr;
  return CallReceiver(env, self, 1, &error);
}

void SetInt32Property(napi_env env, napi_value object, const char* key, int32_t value) {
  napi_value v;
  if (napi_create_int32(env, value, &v) == napi_ok) napi_set_named_property(env, object, key, v);
}

void SetBoolProperty(napi_env env, napi_value object, const char* key, bool value) {
  napi_value v;
  if (napi_get_boolean(env, value, &v) == napi_ok) napi_set_named_property(env, object, key, v);
}

void SetStringProperty(napi_env env, napi_value object, const char* key, const char* value) {
  napi_value v;
  if (napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok) {
    napi_set_named_property(env, object, key, v);
  }
}

void SetNullProperty(napi_env env, napi_value object, const char* key) {
  napi_value v;
  if (napi_get_null(env, &v) == napi_ok) napi_set_named_property(env, object, key, v);
}

}  // namespace vigil
