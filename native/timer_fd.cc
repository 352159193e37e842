#include "timer_fd.h"

#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include <new>

#include "errno_error.h"
#include "napi_args.h"

namespace vigil {

namespace {

// Distinguishes our timer objects from any other (napi_type_tag, Node-API 8).
const napi_type_tag kTimerFdTag = {0x7669676c5f6e6574ULL, 0x54494d4552464431ULL};

constexpr int64_t kNanosPerSecond = 1000000000;

napi_value Errno(napi_env env, int err) {
  napi_value result = nullptr;
  napi_create_int32(env, err, &result);
  return result;
}

// One timerfd and the poll handle that watches it. The poll handle is active
// only while the timer is armed, so an idle timer does not keep the loop (and
// the process) alive, just as an unarmed setTimeout would not.
class TimerFd {
 public:
  explicit TimerFd(int fd) : fd_(fd) {}
  ~TimerFd() { CloseFd(); }

  TimerFd(const TimerFd&) = delete;
  TimerFd& operator=(const TimerFd&) = delete;

  bool closed() const { return fd_ < 0; }

  // Binds this object to `self` and keeps `callback`. On failure a JS
  // exception is pending; the caller deletes this object only when `owned`
  // is still false (before napi_wrap succeeded the finalizer does not own it).
  bool Attach(napi_env env, napi_value self, napi_value callback, bool* owned);

  static napi_value JsArm(napi_env env, napi_callback_info info);
  static napi_value JsDisarm(napi_env env, napi_callback_info info);
  static napi_value JsClose(napi_env env, napi_callback_info info);
  static napi_value JsIsClosed(napi_env env, napi_callback_info info);

 private:
  static TimerFd* Unwrap(napi_env env, napi_callback_info info, size_t count, napi_value* argv);
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnHandleClosed(uv_handle_t* handle);
  static void OnEnvCleanup(void* arg);
  static void Finalize(napi_env env, void* data, void* hint);

  int Arm(int64_t deadline_ns);
  int Disarm();
  // 0 or a positive errno (libuv reports -errno on Unix).
  int StartPolling();
  void StopPolling();
  // Keeps the JS object alive while armed: the poll handle holds a raw pointer to it.
  void SetPinned(bool pinned);
  void Deliver(napi_value self, int err, uint64_t expirations);
  // Closes the poll handle and the fd without touching JS.
  void CloseFd();

  int fd_;
  napi_env env_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  napi_ref wrapper_ = nullptr;
  napi_ref callback_ = nullptr;
  bool pinned_ = false;
  napi_async_context async_context_ = nullptr;
  bool cleanup_hook_registered_ = false;
};

bool TimerFd::Attach(napi_env env, napi_value self, napi_value callback, bool* owned) {
  env_ = env;
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_get_uv_event_loop failed");
    return false;
  }
  napi_value name;
  if (napi_create_string_utf8(env, "vigil_net.TimerFd", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, nullptr, name, &async_context_) != napi_ok) {
    async_context_ = nullptr;
    napi_throw_error(env, "ERR_NAPI", "napi_async_init failed");
    return false;
  }
  if (napi_wrap(env, self, this, Finalize, nullptr, &wrapper_) != napi_ok) {
    napi_async_destroy(env, async_context_);
    async_context_ = nullptr;
    napi_throw_error(env, "ERR_NAPI", "napi_wrap failed");
    return false;
  }
  *owned = true;
  napi_type_tag_object(env, self, &kTimerFdTag);
  if (napi_create_reference(env, callback, 1, &callback_) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_create_reference failed");
    return false;
  }
  if (napi_add_env_cleanup_hook(env, OnEnvCleanup, this) == napi_ok) cleanup_hook_registered_ = true;
  return true;
}

TimerFd* TimerFd::Unwrap(napi_env env, napi_callback_info info, size_t count, napi_value* argv) {
  size_t argc = count;
  napi_value self;
  if (napi_get_cb_info(env, info, &argc, argv, &self, nullptr) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_get_cb_info failed");
    return nullptr;
  }
  bool tagged = false;
  if (napi_check_object_type_tag(env, self, &kTimerFdTag, &tagged) != napi_ok || !tagged) {
    napi_throw_type_error(env, "ERR_INVALID_THIS", "method called on an incompatible receiver");
    return nullptr;
  }
  void* native = nullptr;
  if (napi_unwrap(env, self, &native) != napi_ok || native == nullptr) {
    napi_throw_type_error(env, "ERR_INVALID_THIS", "timer object is not initialised");
    return nullptr;
  }
  return static_cast<TimerFd*>(native);
}

int TimerFd::Arm(int64_t deadline_ns) {
  if (closed()) return EBADF;
  // An all-zero it_value disarms instead of arming (timerfd_create(2)).
  if (deadline_ns <= 0) return EINVAL;
  struct itimerspec spec = {};
  spec.it_value.tv_sec = static_cast<time_t>(deadline_ns / kNanosPerSecond);
  spec.it_value.tv_nsec = static_cast<long>(deadline_ns % kNanosPerSecond);
  // TFD_TIMER_ABSTIME: it_value is a CLOCK_MONOTONIC instant, so the time
  // spent between computing the deadline and this call is not added to it.
  // A deadline already passed expires at once. it_interval stays zero: one-shot.
  if (timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) < 0) return errno;
  int err = StartPolling();
  if (err != 0) {
    Disarm();
    return err;
  }
  SetPinned(true);
  return 0;
}

int TimerFd::Disarm() {
  if (closed()) return 0;
  StopPolling();
  SetPinned(false);
  // Setting a zero it_value disarms; the kernel also clears any expiration
  // not yet read (fs/timerfd.c, timerfd_setup), so none is reported later.
  struct itimerspec spec = {};
  return timerfd_settime(fd_, 0, &spec, nullptr) < 0 ? errno : 0;
}

int TimerFd::StartPolling() {
  if (poll_ == nullptr) {
    poll_ = new (std::nothrow) uv_poll_t;
    if (poll_ == nullptr) return ENOMEM;
    int err = uv_poll_init(loop_, poll_, fd_);
    if (err < 0) {
      delete poll_;
      poll_ = nullptr;
      return -err;
    }
    poll_->data = this;
  }
  int err = uv_poll_start(poll_, UV_READABLE, OnPoll);
  return err < 0 ? -err : 0;
}

void TimerFd::StopPolling() {
  if (poll_ != nullptr) uv_poll_stop(poll_);
}

void TimerFd::SetPinned(bool pinned) {
  if (pinned == pinned_ || wrapper_ == nullptr) return;
  uint32_t count = 0;
  if (pinned) {
    napi_reference_ref(env_, wrapper_, &count);
  } else {
    napi_reference_unref(env_, wrapper_, &count);
  }
  pinned_ = pinned;
}

void TimerFd::CloseFd() {
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

void TimerFd::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* timer = static_cast<TimerFd*>(handle->data);
  if (timer == nullptr || timer->closed()) return;
  int err = 0;
  uint64_t expirations = 0;
  if (status < 0) {
    err = -status;
  } else {
    // timerfd_create(2): read() gives the expirations since the last read or
    // settime as a host-order uint64_t; EAGAIN when there are none.
    ssize_t n;
    do {
      n = read(timer->fd_, &expirations, sizeof expirations);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      // Re-armed or disarmed after epoll saw it readable: nothing expired.
      if (errno == EAGAIN) return;
      err = errno;
    } else if (n != static_cast<ssize_t>(sizeof expirations)) {
      err = EIO;
    }
  }
  // One-shot: nothing more can come until the next arm().
  timer->StopPolling();
  napi_env env = timer->env_;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value self = nullptr;
  if (timer->wrapper_ != nullptr) napi_get_reference_value(env, timer->wrapper_, &self);
  // `self` is held by this scope now; the callback may arm (and so pin) again.
  timer->SetPinned(false);
  if (self != nullptr) timer->Deliver(self, err, expirations);
  napi_close_handle_scope(env, scope);
}

void TimerFd::Deliver(napi_value self, int err, uint64_t expirations) {
  if (callback_ == nullptr) return;
  napi_value callback = nullptr;
  napi_get_reference_value(env_, callback_, &callback);
  if (callback == nullptr) return;
  napi_value argv[2];
  if (napi_create_int32(env_, err, &argv[0]) != napi_ok ||
      napi_create_double(env_, static_cast<double>(expirations), &argv[1]) != napi_ok) {
    return;
  }
  napi_value result;
  if (napi_make_callback(env_, async_context_, self, callback, 2, argv, &result) == napi_pending_exception) {
    // A throwing callback is the application's uncaught exception, as for
    // Node's own timers; it must not unwind through libuv.
    napi_value exception;
    napi_get_and_clear_last_exception(env_, &exception);
    napi_fatal_exception(env_, exception);
  }
}

void TimerFd::OnHandleClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

void TimerFd::OnEnvCleanup(void* arg) {
  auto* timer = static_cast<TimerFd*>(arg);
  timer->cleanup_hook_registered_ = false;
  timer->CloseFd();
}

void TimerFd::Finalize(napi_env env, void* data, void* hint) {
  auto* timer = static_cast<TimerFd*>(data);
  if (timer->cleanup_hook_registered_) {
    napi_remove_env_cleanup_hook(env, OnEnvCleanup, timer);
    timer->cleanup_hook_registered_ = false;
  }
  timer->CloseFd();
  timer->pinned_ = false;
  if (timer->callback_ != nullptr) napi_delete_reference(env, timer->callback_);
  timer->callback_ = nullptr;
  if (timer->wrapper_ != nullptr) napi_delete_reference(env, timer->wrapper_);
  timer->wrapper_ = nullptr;
  if (timer->async_context_ != nullptr) napi_async_destroy(env, timer->async_context_);
  timer->async_context_ = nullptr;
  delete timer;
}

// arm(deadlineNs: bigint): 0 or an errno. A non-bigint is a programming error (TypeError).
napi_value TimerFd::JsArm(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  TimerFd* timer = Unwrap(env, info, 1, argv);
  if (timer == nullptr) return nullptr;
  napi_valuetype type;
  if (napi_typeof(env, argv[0], &type) != napi_ok || type != napi_bigint) {
    return ThrowArgError(env, true, "deadlineNs must be a bigint");
  }
  int64_t deadline = 0;
  bool lossless = false;
  if (napi_get_value_bigint_int64(env, argv[0], &deadline, &lossless) != napi_ok || !lossless) {
    return Errno(env, EINVAL);
  }
  return Errno(env, timer->Arm(deadline));
}

// disarm(): 0 or an errno; 0 on a closed timer (nothing is armed).
napi_value TimerFd::JsDisarm(napi_env env, napi_callback_info info) {
  TimerFd* timer = Unwrap(env, info, 0, nullptr);
  if (timer == nullptr) return nullptr;
  return Errno(env, timer->Disarm());
}

// close(): idempotent; no callback runs afterwards.
napi_value TimerFd::JsClose(napi_env env, napi_callback_info info) {
  TimerFd* timer = Unwrap(env, info, 0, nullptr);
  if (timer == nullptr) return nullptr;
  timer->CloseFd();
  timer->SetPinned(false);
  if (timer->callback_ != nullptr) {
    napi_delete_reference(env, timer->callback_);
    timer->callback_ = nullptr;
  }
  return nullptr;
}

napi_value TimerFd::JsIsClosed(napi_env env, napi_callback_info info) {
  TimerFd* timer = Unwrap(env, info, 0, nullptr);
  if (timer == nullptr) return nullptr;
  napi_value result;
  napi_get_boolean(env, timer->closed(), &result);
  return result;
}

// openTimerFd(onExpiry): a timer object, or the errno of timerfd_create(2)
// (EMFILE, ENFILE, ENOMEM...). onExpiry(errno, expirations) runs on the loop
// once per expiry: errno 0 with expirations >= 1, or an errno and 0.
napi_value OpenTimerFd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  napi_value self;
  if (!GetArgs(env, info, 1, argv, &self) || !ReadFunction(env, argv[0], "onExpiry")) return nullptr;
  // CLOCK_MONOTONIC is the clock libuv's uv_hrtime() reads on Linux, so
  // process.hrtime.bigint() and performance.now() measure the same time line.
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return Errno(env, errno);
  auto* timer = new (std::nothrow) TimerFd(fd);
  if (timer == nullptr) {
    close(fd);
    return Errno(env, ENOMEM);
  }
  napi_value object;
  if (napi_create_object(env, &object) != napi_ok) {
    delete timer;
    napi_throw_error(env, "ERR_NAPI", "napi_create_object failed");
    return nullptr;
  }
  bool owned = false;
  if (!timer->Attach(env, object, argv[0], &owned)) {
    if (!owned) delete timer;
    return nullptr;
  }
  const napi_property_attributes method = napi_default;
  napi_property_descriptor properties[] = {
      {"arm", nullptr, TimerFd::JsArm, nullptr, nullptr, nullptr, method, nullptr},
      {"disarm", nullptr, TimerFd::JsDisarm, nullptr, nullptr, nullptr, method, nullptr},
      {"close", nullptr, TimerFd::JsClose, nullptr, nullptr, nullptr, method, nullptr},
      {"closed", nullptr, nullptr, TimerFd::JsIsClosed, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, object, sizeof properties / sizeof properties[0], properties) != napi_ok) {
    napi_throw_error(env, "ERR_NAPI", "napi_define_properties failed");
    return nullptr;
  }
  return object;
}

// monotonicNowNs(): clock_gettime(2) CLOCK_MONOTONIC in nanoseconds, the
// clock the timers' deadlines are on.
napi_value MonotonicNowNs(napi_env env, napi_callback_info info) {
  struct timespec now;
  if (clock_gettime(CLOCK_MONOTONIC, &now) < 0) return ThrowErrnoError(env, errno, "clock_gettime", "CLOCK_MONOTONIC");
  napi_value result = nullptr;
  napi_create_bigint_int64(env, static_cast<int64_t>(now.tv_sec) * kNanosPerSecond + now.tv_nsec, &result);
  return result;
}

}  // namespace

bool DefineTimerFdFunctions(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"openTimerFd", nullptr, OpenTimerFd, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"monotonicNowNs", nullptr, MonotonicNowNs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) == napi_ok;
}

}  // namespace vigil
