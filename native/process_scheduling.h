// Per-process scheduling knobs keepalived applies to its children
// (keepalived/core/process.c): memory locking (of given ranges), SCHED_RR with
// RLIMIT_RTTIME and CPU affinity. Node has os.setPriority for the nice value but none of these.
// Every function returns 0 or the errno of the failed call: nothing throws,
// so a child that may not raise its priority logs it and keeps running.
#ifndef VIGIL_PROCESS_SCHEDULING_H
#define VIGIL_PROCESS_SCHEDULING_H

#include <node_api.h>

namespace vigil {

bool DefineProcessSchedulingFunctions(napi_env env, napi_value exports);

}  // namespace vigil

#endif
