/** What a caller may pass to a kernel-VM run besides the command. */
export interface KernelVmEnvironmentOptions {
  /**
   * Added to this process's environment, which the guest inherits except for the test
   * runner's own `VITEST*`/`TINYPOOL*` variables (a vitest started in the guest is a new
   * run, not a worker of this one).
   */
  env?: NodeJS.ProcessEnv;
  /** Bound on the command, counted from the guest's boot; run-in-kernel.sh exits 124 when hit. */
  timeoutMs: number;
  /** Modules to load before the command (VM_MODULES), e.g. `['ip_vs', 'ip_vs_wrr']`. */
  modules?: readonly string[];
}

/** The environment run-in-kernel.sh is started with (VM_TIMEOUT, VM_MODULES and the caller's variables). */
export function kernelVmEnvironment(opts: KernelVmEnvironmentOptions): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('TINYPOOL'));
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(inherited),
    ...opts.env,
    VM_TIMEOUT: String(Math.max(1, Math.ceil(opts.timeoutMs / 1000))),
  };
  if (opts.modules !== undefined) env.VM_MODULES = opts.modules.join(' ');
  return env;
}

/** run-in-kernel.sh's own exit statuses (see its header): the guest's timeout and a failed VM. */
export const KERNEL_VM_EXIT_TIMEOUT = 124;
export const KERNEL_VM_EXIT_VM_FAILED = 125;
