// The kernel VM: run a command inside a Debian kernel that has IPVS (QEMU, see run-in-kernel.sh).
export { runInKernel, type KernelRunOptions, type KernelRunResult } from './runInKernel.js';
export { kernelVmAvailable } from './KernelVmAvailability.js';
export { kernelVmScriptPath } from './KernelVmScript.js';
