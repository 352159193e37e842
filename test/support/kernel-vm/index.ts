// The kernel VM for tests: the runner lives in src/lab/kernel-vm (`vigil lab --vm` boots it too).
export * from '../../../src/lab/kernel-vm/index.js';
