#!/usr/bin/env bash
# Runs inside the kernel VM for kernel-vm.test.ts: one boot, several checks. Each check
# prints "CHECK <name> ok" or "CHECK <name> FAIL <output>". The script exits 42 so that
# the test also sees the exit status come back through the VM.
set -u

check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        echo "CHECK $name ok"
    else
        echo "CHECK $name FAIL $(echo "$out" | tr '\n' ' ')"
    fi
}

echo "KERNEL $(uname -r)"
check run-in-kernel-set test "${RUN_IN_KERNEL:-}" = 1
check ipvsadm-list ipvsadm -Ln
# The IPVS generic-netlink family (include/uapi/linux/ip_vs.h, IPVS_GENL_NAME) resolves;
# resolving it is also what makes the kernel load ip_vs on demand.
check genl-family-ipvs genl ctrl get name IPVS
check ipvs-service sh -c '
    ipvsadm -A -t 192.0.2.1:80 -s rr &&
    ipvsadm -a -t 192.0.2.1:80 -r 192.0.2.2:80 -m &&
    ipvsadm -Ln | grep -q "TCP  192.0.2.1:80 rr" &&
    ipvsadm -Ln | grep -q "192.0.2.2:80 *Masq"'
# /proc/net/ip_vs shows addresses and ports in hex: 192.0.2.1:80 is C0000201:0050.
check proc-net-ip-vs grep -q 'C0000201:0050' /proc/net/ip_vs
check node-runs node -e 'if (process.env.RUN_IN_KERNEL !== "1") process.exit(1); console.log(process.version)'
check netns-veth sh -c '
    ip netns add vgl-guest-a &&
    ip link add vgl-v0 type veth peer name vgl-v1 netns vgl-guest-a &&
    ip netns exec vgl-guest-a ip link show vgl-v1 > /dev/null'
# Only the working directory persists; anything else goes to the tmpfs overlay.
check cwd-writable sh -c 'uname -r > guest-wrote.txt'
check root-writable sh -c "echo scratch > /var/tmp/${VIGIL_SCRATCH_NAME:-vigil-vm-scratch}"

echo "to-stderr" >&2
exit 42
