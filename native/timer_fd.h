// A one-shot CLOCK_MONOTONIC timer with nanosecond deadlines, for the VRRP
// engine's single wake-up (src/vrrp/runtime/NativeTimerWakeup.ts). Node's
// setTimeout counts whole milliseconds from the loop's cached time; a timerfd
// (timerfd_create(2)) armed with an absolute deadline becomes readable at that
// instant, and a libuv poll handle turns readability into a JS callback.
#ifndef VIGIL_TIMER_FD_H
#define VIGIL_TIMER_FD_H

#include <node_api.h>

namespace vigil {

// Defines openTimerFd(onExpiry) and monotonicNowNs() on `exports`.
bool DefineTimerFdFunctions(napi_env env, napi_value exports);

}  // namespace vigil

#endif
