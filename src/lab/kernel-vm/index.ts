// The kernel VM: run a command inside a Debian kernel that has IPVS (QEMU, see run-in-kernel.sh).
export { runInKernel, type KernelRunOptions, type KernelRunResult } from './runInKernel.js';
export { streamInKernel, type KernelStreamOptions, type KernelStreamExit } from './streamInKernel.js';
export { kernelVmAvailable, kernelVmCached } from './KernelVmAvailability.js';
export { kernelVmScriptPath } from './KernelVmScript.js';
