#!/usr/bin/env bash
# The kernel-VM runner moved to src/lab/kernel-vm (`vigil lab --vm` uses it); this path
# stays for scripts and notes that name it.
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../../src/lab/kernel-vm/run-in-kernel.sh" "$@"
