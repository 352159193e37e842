#!/bin/busybox sh
# shellcheck shell=dash disable=SC1091  # (vm.conf exists only inside the guest)
# PID 1 of the Vigil kernel VM (busybox sh: the initramfs has no other shell). It runs
# twice, in two different roots:
#
#   early (no argument)  from the initramfs. Loads the virtio/9p/overlay modules, builds
#                        the guest's root - the host's / over 9p, read-only, under a tmpfs
#                        overlay - mounts the job share, the module tree and the caller's
#                        working directory (read-write), then switch_roots into it.
#   late                 in the new root. Finishes /dev, makes modules load on demand,
#                        runs the job with stdout/stderr on two virtio-serial ports,
#                        records the exit status in the job share and powers off.
#
# The host side (run-in-kernel.sh) reads only three things back: the file `started`
# (the guest booted), the file `status` (the command's exit code) and the two ports.

P9_OPTS=trans=virtio,version=9p2000.L,msize=262144
VM=/run/vigil-vm

if [ "${1:-}" != late ]; then
    /bin/busybox --install -s /bin
    export PATH=/bin
    halt_with() { echo "vigil-vm init: $*" > /dev/console; poweroff -f; }

    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs dev /dev
    read -r early_modules < /etc/vm-modules
    for m in $early_modules; do
        modprobe "$m" || halt_with "cannot load module $m"
    done

    mkdir -p /job /host /scratch /newroot
    mount -t 9p -o "$P9_OPTS" vmjob /job || halt_with "cannot mount the job share"
    . /job/vm.conf
    # The host's / does not change while a job runs, so the guest may cache it freely.
    mount -t 9p -o "$P9_OPTS,ro,cache=loose" vmroot /host || halt_with "cannot mount the host root"
    mount -t tmpfs -o mode=0755 scratch /scratch
    mkdir -p /scratch/upper /scratch/work
    mount -t overlay -o lowerdir=/host,upperdir=/scratch/upper,workdir=/scratch/work vmoverlay /newroot \
        || halt_with "cannot mount the overlay"
    # The host's /run and /tmp (e.g. its /run/netns) must not show through.
    mount -t tmpfs -o mode=0755 run /newroot/run
    mount -t tmpfs -o mode=1777 tmp /newroot/tmp
    mkdir -p "/newroot$VM/job" "/newroot$VM/modules"
    mount --move /job "/newroot$VM/job"
    mount -t 9p -o "$P9_OPTS,ro,cache=loose" vmmodules "/newroot$VM/modules" || halt_with "cannot mount the modules"
    # Host paths under /tmp or /run the job reads (the project itself may be checked out
    # there): shown read-only from the host root, before the read-write working directory.
    for p in $VM_EXPOSE; do
        case "$p" in
            /tmp/* | /run/*)
                mkdir -p "/newroot$p"
                mount --bind "/host$p" "/newroot$p" || halt_with "cannot expose $p"
                ;;
        esac
    done
    if [ "$VM_CWD" != / ]; then
        # The only host directory the guest may change; cache=mmap keeps it coherent.
        mkdir -p "/newroot$VM_CWD"
        mount -t 9p -o "$P9_OPTS,cache=mmap" vmcwd "/newroot$VM_CWD" || halt_with "cannot mount $VM_CWD"
    fi
    mount --move /proc /newroot/proc
    mount --move /sys /newroot/sys
    mount --move /dev /newroot/dev
    cp /bin/busybox /init "/newroot$VM/"
    exec switch_root /newroot "$VM/busybox" sh "$VM/init" late
fi

BB=$VM/busybox
. "$VM/job/vm.conf"
$BB mkdir -p /dev/pts /dev/shm
$BB mount -t devpts -o ptmxmode=0666 devpts /dev/pts
$BB mount -t tmpfs shm /dev/shm
$BB mount -t cgroup2 cgroup2 /sys/fs/cgroup 2> /dev/null

# The kernel asks its modprobe helper for ip_vs when the IPVS generic-netlink family is
# first resolved, for ip_vs_<scheduler>, veth, ... The .deb ships no modules.dep for kmod,
# so busybox (with the modules.dep made when the cache was built) is the helper, and it
# also stands in for a host modprobe that userspace (ipvsadm, keepalived) may call.
$BB mkdir -p /lib/modules
$BB mount --bind "$VM/modules" /lib/modules
$BB ln -s "$BB" "$VM/modprobe"
echo "$VM/modprobe" > /proc/sys/kernel/modprobe
for p in /sbin/modprobe /usr/sbin/modprobe; do
    if [ -e "$p" ] || [ -L "$p" ]; then $BB ln -sf "$VM/modprobe" "$p"; fi
done

$BB hostname vigil-vm
$BB ip link set lo up
for m in $VM_MODULES; do $BB modprobe "$m"; done

out=/dev/console
err=/dev/console
for port in /sys/class/virtio-ports/*; do
    case "$($BB cat "$port/name" 2> /dev/null)" in
        vigil.stdout) out=/dev/${port##*/} ;;
        vigil.stderr) err=/dev/${port##*/} ;;
    esac
done

: > "$VM/job/started"
/bin/bash "$VM/job/run.sh" < /dev/null > "$out" 2> "$err"
echo $? > "$VM/job/status"
$BB sync
$BB poweroff -f
