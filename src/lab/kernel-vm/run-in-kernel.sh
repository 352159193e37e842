#!/usr/bin/env bash
# run-in-kernel.sh - run one command inside a Debian kernel that has IPVS.
#
#   run-in-kernel.sh COMMAND [ARG...]   boot, run COMMAND in $PWD, exit with its status
#   run-in-kernel.sh --prepare          only fill the cache (kernel + initramfs)
#   run-in-kernel.sh --check            say whether this machine can run the VM (exit 0/1)
#   run-in-kernel.sh --cached           say whether the kernel cache is filled already (exit 0/1)
#
# The host kernel may lack IPVS (or modules altogether), so the command runs in a
# throw-away QEMU guest booting Debian's stock linux-image-amd64, where ip_vs and its
# schedulers are loadable modules. The guest sees:
#   /            the host's root, read-only, under a tmpfs overlay (writes are dropped)
#   $PWD         the host's working directory, read-write: the only thing that persists
#   /tmp /run    empty tmpfs
#   env          the caller's exported environment, plus RUN_IN_KERNEL=1
#   network      loopback only (no NIC); namespaces, veths, IPVS all work inside
# stdout and stderr come back separately and live.
#
# Exit status: the command's; 124 when VM_TIMEOUT ran out; 125 when the VM itself failed.
#
# Knobs: VM_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/vigil-kernel-vm), VM_KERNEL_PKG
# (pin e.g. linux-image-6.1.0-56-amd64), VM_MEM (2G), VM_CPUS (host CPUs), VM_TIMEOUT
# (seconds after boot, 0 = none), VM_MODULES (modules to load first), VM_ACCEL (kvm|tcg),
# VM_DEBUG=1 (kernel log on stderr, keep the run directory).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST_INIT=$HERE/guest-init.sh
CACHE=${VM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vigil-kernel-vm}
MEM=${VM_MEM:-2G}
CPUS=${VM_CPUS:-$(nproc)}
TIMEOUT=${VM_TIMEOUT:-0}
# A boot takes ~3 s under TCG; one that has not reached the command within this many
# seconds is stuck (timer calibration hangs were seen) and is retried.
BOOT_LIMIT=60
BOOT_ATTEMPTS=3
# What the initramfs needs to reach the shared root and the output ports.
EARLY_MODULES="virtio_pci virtio_console 9pnet_virtio 9p overlay"

say() { echo "run-in-kernel: $*" >&2; }
fail() { say "$*"; exit 125; }
debug() { if [ -n "${VM_DEBUG:-}" ]; then say "$*"; fi; }

# ---- what the host must have --------------------------------------------------------

missing_tools() {
    local t
    for t in qemu-system-x86_64 xz dpkg-deb apt-get apt-cache flock tail gzip md5sum; do
        command -v "$t" > /dev/null || echo "$t"
    done
    # The initramfs has no libc: only the statically linked busybox works there.
    dpkg-query -W -f='${Status}' busybox-static 2> /dev/null | grep -q 'install ok installed' \
        || echo busybox-static
}

# The versioned kernel package: pinned, else the one already cached, else what
# linux-image-amd64 depends on today (security updates move it; the cache keeps the first).
kernel_package() {
    if [ -n "${VM_KERNEL_PKG:-}" ]; then echo "$VM_KERNEL_PKG"; return; fi
    if [ -s "$CACHE/current" ]; then cat "$CACHE/current"; return; fi
    apt-cache depends linux-image-amd64 2> /dev/null \
        | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

check() {
    local gaps
    [ "$(id -u)" = 0 ] || { echo "the kernel VM needs root (9p export of /, kernel cache)"; return 1; }
    gaps=$(missing_tools | tr '\n' ' ')
    [ -z "$gaps" ] || { echo "missing: ${gaps% } (see .ci/install-deps.sh)"; return 1; }
    local pkg; pkg=$(kernel_package)
    [ -n "$pkg" ] || { echo "apt cannot resolve linux-image-amd64 (no package lists? run apt-get update)"; return 1; }
    [ -e "$CACHE/$pkg/.ready" ] || apt-cache show "$pkg" > /dev/null 2>&1 \
        || { echo "$pkg is neither cached in $CACHE nor known to apt"; return 1; }
    echo "ok: $pkg, cache $CACHE"
}

# ---- the cache: kernel, modules, initramfs -----------------------------------------

# Sets KDIR, KVER and KERNEL. Caller holds the cache lock.
unpack_kernel() {
    local pkg; pkg=$(kernel_package)
    if [ -z "$pkg" ]; then
        apt-get update -q > /dev/null 2>&1 || true
        pkg=$(kernel_package)
    fi
    [ -n "$pkg" ] || fail "cannot resolve linux-image-amd64 through apt"
    KDIR=$CACHE/$pkg
    if [ ! -e "$KDIR/.ready" ]; then
        say "building the kernel cache from $pkg (once per machine)"
        rm -rf "$KDIR"
        mkdir -p "$KDIR/deb"
        if ! (cd "$KDIR/deb" && apt-get download -q "$pkg" > /dev/null 2>&1); then
            apt-get update -q > /dev/null 2>&1 || true
            (cd "$KDIR/deb" && apt-get download -q "$pkg" > /dev/null 2>&1) || fail "apt-get download $pkg failed"
        fi
        # Only the image and the modules; hardware driver trees that cannot bind to
        # anything in this guest are left out (about 400 MB of modules down to ~120 MB).
        local skip=() d
        for d in sound drivers/gpu drivers/media drivers/infiniband drivers/scsi drivers/usb \
            drivers/iio drivers/staging drivers/net/wireless drivers/net/ethernet \
            drivers/bluetooth net/bluetooth net/wireless net/mac80211; do
            skip+=("--exclude=*/kernel/$d")
        done
        dpkg-deb --fsys-tarfile "$KDIR"/deb/*.deb \
            | tar -x -C "$KDIR" --wildcards "${skip[@]}" './boot/vmlinuz-*' './lib/modules/*'
        rm -rf "$KDIR/deb"
        KVER=$(ls "$KDIR/lib/modules")
        # The .deb leaves modules.dep to depmod in its postinst; busybox writes one (plus
        # modules.alias) that busybox modprobe understands, in and out of the guest.
        busybox depmod -b "$KDIR" "$KVER"
        extract_vmlinux "$KDIR/boot/vmlinuz-$KVER" "$KDIR/vmlinux"
        echo "$KVER" > "$KDIR/.ready"
        if [ -z "${VM_KERNEL_PKG:-}" ]; then echo "$pkg" > "$CACHE/current"; fi
    fi
    KVER=$(cat "$KDIR/.ready")
    KERNEL=$KDIR/vmlinux
    [ -e "$KERNEL" ] || KERNEL=$KDIR/boot/vmlinuz-$KVER
}

# Debian's bzImage carries the kernel as an xz stream. The bare ELF inside boots through
# QEMU's PVH entry point, skipping the in-guest decompressor: ~4 s saved per boot under
# emulation. If it cannot be found the bzImage is used (slower, still works).
extract_vmlinux() {
    local bz=$1 out=$2 at
    at=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$bz" | head -n1 | cut -d: -f1 || true)
    if [ -n "$at" ]; then
        tail -c "+$((at + 1))" "$bz" | xz -dc --single-stream > "$out" 2> /dev/null || true
    fi
    if [ "$(head -c4 "$out" 2> /dev/null)" != $'\x7fELF' ]; then rm -f "$out"; fi
}

# Sets INITRD; keyed by the init script and module list so a change rebuilds it.
build_initramfs() {
    local key; key=$( { cat "$GUEST_INIT"; echo "$EARLY_MODULES"; } | md5sum | cut -c1-16)
    INITRD=$KDIR/initramfs-$key.cpio.gz
    [ -e "$INITRD" ] && return 0
    local root; root=$(mktemp -d "$KDIR/initramfs.XXXXXX")
    local mdir=lib/modules/$KVER deps=$KDIR/lib/modules/$KVER/modules.dep
    mkdir -p "$root"/{bin,dev,proc,sys,etc,"$mdir"}
    cp /bin/busybox "$root/bin/busybox"
    cp "$GUEST_INIT" "$root/init"
    chmod 0755 "$root/init"
    echo "$EARLY_MODULES" > "$root/etc/vm-modules"
    # modules.dep lines are "path: dep dep ..." with the full, transitive dependency list.
    local m line f
    for m in $EARLY_MODULES; do
        line=$(grep -m1 -E "(^|/)$m\.ko(\.[a-z]+)?:" "$deps") || fail "module $m is not in $KVER"
        for f in ${line%%:*} ${line#*:}; do
            [ -e "$root/$mdir/$f" ] && continue
            mkdir -p "$root/$mdir/$(dirname "$f")"
            cp "$KDIR/$mdir/$f" "$root/$mdir/$f"
            grep "^$f:" "$deps" >> "$root/$mdir/modules.dep"
        done
    done
    (cd "$root" && find . | busybox cpio -o -H newc -R 0:0 2> /dev/null | gzip -1) > "$INITRD.part"
    mv "$INITRD.part" "$INITRD"
    rm -rf "$root"
}

prepare_cache() {
    mkdir -p "$CACHE"
    # Parallel first runs must not unpack the kernel twice.
    exec 8> "$CACHE/.lock"
    flock 8
    unpack_kernel
    build_initramfs
    flock -u 8
    exec 8>&-
}

# ---- one run ------------------------------------------------------------------------

case "${1:-}" in
    --check)
        check
        exit $?
        ;;
    --cached)
        pkg=$(kernel_package)
        if [ -n "$pkg" ] && [ -e "$CACHE/$pkg/.ready" ]; then echo "cached: $pkg in $CACHE"; exit 0; fi
        echo "the kernel cache $CACHE is empty"
        exit 1
        ;;
    --prepare)
        gaps=$(missing_tools | tr '\n' ' ')
        [ -z "$gaps" ] || fail "missing: ${gaps% } (see .ci/install-deps.sh)"
        prepare_cache
        say "cache ready: $KERNEL ($KVER), $INITRD"
        exit 0
        ;;
    '' | -h | --help)
        sed -n '2,8p' "${BASH_SOURCE[0]}" >&2
        exit 125
        ;;
esac

gaps=$(missing_tools | tr '\n' ' ')
[ -z "$gaps" ] || fail "missing: ${gaps% } (see .ci/install-deps.sh)"
prepare_cache

# Hardware KVM only when it is the real thing. A /dev/kvm served by kvm_pvm (the host is
# itself a PVM guest) can run only PVM-patched kernels: a stock kernel hangs there.
accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -e /sys/module/kvm_pvm ] \
        && { [ -e /sys/module/kvm_intel ] || [ -e /sys/module/kvm_amd ]; }; then
        accel=kvm
    fi
fi
cpu=max
[ "$accel" != kvm ] || cpu=host

RUN=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vm.XXXXXX")
QEMU_PID='' GUARD_PID='' TAIL_PIDS=''
# shellcheck disable=SC2317,SC2329  # called from the EXIT trap
finish() {
    # shellcheck disable=SC2086
    kill $GUARD_PID $QEMU_PID $TAIL_PIDS 2> /dev/null || true
    if [ -n "$QEMU_PID" ]; then wait "$QEMU_PID" 2> /dev/null || true; fi
    if [ -n "${VM_DEBUG:-}" ]; then say "run directory kept: $RUN"; else rm -rf "$RUN"; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run.sh recreates the caller's environment and directory, then execs the command.
{
    while IFS= read -r name; do
        case $name in PWD | OLDPWD | SHLVL | _ | BASHOPTS | SHELLOPTS | BASH_* ) continue ;; esac
        printf 'export %s=%q\n' "$name" "${!name}"
    done < <(compgen -e)
    # (The guest's /tmp starts empty: a TMPDIR below it would not exist.)
    cat <<'EOS'
export RUN_IN_KERNEL=1 PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
if [ -n "${TMPDIR:-}" ] && [ ! -d "$TMPDIR" ]; then unset TMPDIR; fi
EOS
    printf 'cd -- %q || exit 125\n' "$PWD"
    printf 'exec'
    printf ' %q' "$@"
    echo
} > "$RUN/run.sh"
# The project checkout is always visible in the guest, even under /tmp (hidden there by a
# fresh tmpfs otherwise); VM_EXPOSE adds more paths (space-separated, no spaces inside).
PROJECT_ROOT=$(cd "$HERE/../../.." && pwd)
printf 'VM_CWD=%q\nVM_MODULES=%q\nVM_EXPOSE=%q\n' "$PWD" "${VM_MODULES:-}" "$PROJECT_ROOT ${VM_EXPOSE:-}" > "$RUN/vm.conf"

# lpj= skips the delay-loop calibration and tsc=reliable keeps the TSC as clocksource:
# under emulation the calibration can wait forever for timer ticks, and without a trusted
# TSC the kernel falls back to a coarse clock that spoils VRRP/health-check timing.
cmdline="console=ttyS0 panic=-1 mitigations=off lpj=10000000 tsc=reliable"
[ -n "${VM_DEBUG:-}" ] || cmdline+=" quiet"

# QEMU's option parser takes ',' as a separator; a literal comma in a path is written ',,'.
qemu_path() { printf '%s' "${1//,/,,}"; }
cwd_share=()
if [ "$PWD" != / ]; then
    # shellcheck disable=SC2054  # the commas belong to QEMU's option syntax
    cwd_share=(-fsdev "local,id=vmcwd,path=$(qemu_path "$PWD"),security_model=none,multidevs=remap"
        -device virtio-9p-pci,fsdev=vmcwd,mount_tag=vmcwd)
fi

boot() {
    rm -f "$RUN/started" "$RUN/status" "$RUN/timed-out"
    : > "$RUN/stdout"
    : > "$RUN/stderr"
    # -machine pc (not microvm): its HPET avoids the sporadic boot hang seen under TCG.
    qemu-system-x86_64 \
        -machine pc -accel "$accel" -cpu "$cpu" -m "$MEM" -smp "$CPUS" \
        -nodefaults -no-user-config -display none -no-reboot -nic none \
        -kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline" \
        -chardev "file,id=console,path=$(qemu_path "$RUN")/console.log" -serial chardev:console \
        -fsdev local,id=vmroot,path=/,security_model=none,readonly=on,multidevs=remap \
        -device virtio-9p-pci,fsdev=vmroot,mount_tag=vmroot \
        -fsdev "local,id=vmmodules,path=$(qemu_path "$KDIR")/lib/modules,security_model=none,readonly=on" \
        -device virtio-9p-pci,fsdev=vmmodules,mount_tag=vmmodules \
        -fsdev "local,id=vmjob,path=$(qemu_path "$RUN"),security_model=none" \
        -device virtio-9p-pci,fsdev=vmjob,mount_tag=vmjob \
        "${cwd_share[@]}" \
        -device virtio-serial-pci \
        -chardev "file,id=out,path=$(qemu_path "$RUN")/stdout,append=on" \
        -device virtserialport,chardev=out,name=vigil.stdout \
        -chardev "file,id=err,path=$(qemu_path "$RUN")/stderr,append=on" \
        -device virtserialport,chardev=err,name=vigil.stderr \
        < /dev/null > "$RUN/qemu.log" 2>&1 &
    QEMU_PID=$!

    # The ports are plain files, followed until QEMU exits: a file never blocks the guest,
    # even when our own reader has gone away (`run-in-kernel.sh cmd | head -1`).
    tail -q -s 0.1 --pid="$QEMU_PID" -c +1 -f "$RUN/stdout" &
    TAIL_PIDS=$!
    tail -q -s 0.1 --pid="$QEMU_PID" -c +1 -f "$RUN/stderr" >&2 &
    TAIL_PIDS+=" $!"

    # Guard: kill a guest that does not boot within BOOT_LIMIT, or whose command outlives
    # VM_TIMEOUT. Detached from our stdio so it never holds a caller's pipe open.
    (
        trap 'kill $nap 2> /dev/null; exit 0' TERM
        ticks=0
        until [ -e "$RUN/started" ]; do
            sleep 0.25 & nap=$!
            wait $nap
            ticks=$((ticks + 1))
            if [ $ticks -ge $((BOOT_LIMIT * 4)) ]; then kill "$QEMU_PID"; exit 0; fi
        done
        if [ "$TIMEOUT" != 0 ]; then
            sleep "$TIMEOUT" & nap=$!
            wait $nap
            : > "$RUN/timed-out"
            kill "$QEMU_PID"
        fi
    ) < /dev/null > /dev/null 2>&1 &
    GUARD_PID=$!

    QEMU_STATUS=0
    wait "$QEMU_PID" || QEMU_STATUS=$?
    QEMU_PID=''
    kill "$GUARD_PID" 2> /dev/null || true
    # shellcheck disable=SC2086
    wait $GUARD_PID $TAIL_PIDS 2> /dev/null || true
    GUARD_PID='' TAIL_PIDS=''
}

for attempt in $(seq 1 "$BOOT_ATTEMPTS"); do
    debug "boot $attempt/$BOOT_ATTEMPTS: $KERNEL, $accel, $CPUS vCPU, $MEM"
    boot
    [ ! -e "$RUN/started" ] || break
    say "the guest did not boot (qemu status $QEMU_STATUS), attempt $attempt of $BOOT_ATTEMPTS"
    tail -n 20 "$RUN/qemu.log" "$RUN/console.log" >&2 || true
done

if [ -n "${VM_DEBUG:-}" ]; then
    say "guest kernel log:"
    cat "$RUN/console.log" >&2
fi
if [ -s "$RUN/status" ]; then
    exit "$(cat "$RUN/status")"
elif [ -e "$RUN/timed-out" ]; then
    say "timed out after ${TIMEOUT}s"
    exit 124
fi
say "the guest stopped without an exit status (qemu status $QEMU_STATUS)"
cat "$RUN/qemu.log" >&2 || true
tail -n 40 "$RUN/console.log" >&2 || true
exit 125
