#include "process_scheduling.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

namespace vigil {

namespace {

// <linux/sched.h> SCHED_RR with SCHED_RESET_ON_FORK (0x40000000): processes
// and threads this one creates (notify scripts, MISC_CHECKs, libuv workers)
// start with normal scheduling, as keepalived's children do.
constexpr int kRealtimePolicy = SCHED_RR | SCHED_RESET_ON_FORK;

napi_value Errno(napi_env env, int err) {
  napi_value result = nullptr;
  napi_create_int32(env, err, &result);
  return result;
}

// Reads a whole number in [min, max]; false for anything else (no exception).
bool ArgInteger(napi_env env, napi_value value, int64_t min, int64_t max, int64_t* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number) return false;
  double d;
  if (napi_get_value_double(env, value, &d) != napi_ok) return false;
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max))) return false;
  int64_t i = static_cast<int64_t>(d);
  if (static_cast<double>(i) != d) return false;
  *out = i;
  return true;
}

bool Args(napi_env env, napi_callback_info info, size_t count, napi_value* argv) {
  size_t argc = count;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= count;
}

// lockMemoryRange(start, length): mlock2(2) with MLOCK_ONFAULT
// (<bits/mman-shared.h>, Linux 4.4): pages of the range stay resident once
// touched, as keepalived's mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) does
// for the whole process. Vigil locks chosen ranges only: V8 madvise()s the
// pages it frees, which fails with EINVAL on locked memory and aborts Node.
napi_value LockMemoryRange(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint64_t start = 0;
  uint64_t length = 0;
  bool lossless = false;
  if (!Args(env, info, 2, argv) || napi_get_value_bigint_uint64(env, argv[0], &start, &lossless) != napi_ok || !lossless ||
      napi_get_value_bigint_uint64(env, argv[1], &length, &lossless) != napi_ok || !lossless || length == 0) {
    return Errno(env, EINVAL);
  }
  const void* address = reinterpret_cast<const void*>(static_cast<uintptr_t>(start));
  return Errno(env, mlock2(address, static_cast<size_t>(length), MLOCK_ONFAULT) == 0 ? 0 : errno);
}

// setRealtimePriority(priority): sched_setscheduler(2) on the calling thread
// (Node's main thread, whose tid is the pid /proc/PID/stat describes).
napi_value SetRealtimePriority(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t priority;
  if (!Args(env, info, 1, argv) || !ArgInteger(env, argv[0], 0, 1000, &priority)) return Errno(env, EINVAL);
  sched_param param{};
  param.sched_priority = static_cast<int>(priority);
  return Errno(env, sched_setscheduler(0, kRealtimePolicy, &param) == 0 ? 0 : errno);
}

// setRealtimeTimeLimit(softMicros, hardMicros): setrlimit(2) RLIMIT_RTTIME
// (<asm-generic/resource.h>, 15): CPU time a realtime task may use without a
// blocking call; SIGXCPU at the soft limit, SIGKILL at the hard one.
napi_value SetRealtimeTimeLimit(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int64_t soft;
  int64_t hard;
  if (!Args(env, info, 2, argv) || !ArgInteger(env, argv[0], 0, UINT32_MAX, &soft) ||
      !ArgInteger(env, argv[1], 0, UINT32_MAX, &hard)) {
    return Errno(env, EINVAL);
  }
  rlimit limit{};
  limit.rlim_cur = static_cast<rlim_t>(soft);
  limit.rlim_max = static_cast<rlim_t>(hard);
  return Errno(env, setrlimit(RLIMIT_RTTIME, &limit) == 0 ? 0 : errno);
}

// setCpuAffinity(cpus, tid): sched_setaffinity(2) of thread `tid` (0: the
// calling thread) to the CPU numbers given (each below CPU_SETSIZE,
// <bits/cpu-set.h>). Affinity is per thread, so a caller binds a whole
// process by calling it for each entry of /proc/self/task.
napi_value SetCpuAffinity(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) {
    return Errno(env, EINVAL);
  }
  int64_t tid = 0;
  if (argc >= 2 && !ArgInteger(env, argv[1], 0, INT32_MAX, &tid)) return Errno(env, EINVAL);
  uint32_t length = 0;
  if (napi_get_array_length(env, argv[0], &length) != napi_ok || length == 0) return Errno(env, EINVAL);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    int64_t cpu;
    if (napi_get_element(env, argv[0], i, &element) != napi_ok || !ArgInteger(env, element, 0, CPU_SETSIZE - 1, &cpu)) {
      return Errno(env, EINVAL);
    }
    CPU_SET(static_cast<int>(cpu), &set);
  }
  return Errno(env, sched_setaffinity(static_cast<pid_t>(tid), sizeof set, &set) == 0 ? 0 : errno);
}

}  // namespace

bool DefineProcessSchedulingFunctions(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"lockMemoryRange", nullptr, LockMemoryRange, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setRealtimePriority", nullptr, SetRealtimePriority, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setRealtimeTimeLimit", nullptr, SetRealtimeTimeLimit, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setCpuAffinity", nullptr, SetCpuAffinity, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) == napi_ok;
}

}  // namespace vigil
