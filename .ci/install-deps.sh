#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the test suites need. Idempotent: when
# everything is present it only says so. Runs `apt-get update` at most once, and never
# pulls in Recommends (qemu-system-x86 would otherwise drag in a desktop stack).
set -euo pipefail

# What each package is for:
#   iproute2 iputils-ping tcpdump   network-namespace topologies, reachability, captures
#   procps kmod                     sysctl/ps; modprobe on kernels that have modules
#   keepalived ipvsadm              the reference implementation and the IPVS CLI
#   qemu-system-x86 busybox-static  the kernel VM (IPVS lives in a Debian kernel there)
#   xz-utils                        unpacking that kernel
#   python3 make g++                node-gyp, for native/ and the native npm packages
#   patch                           patches/ fixes installed npm packages (netlink)
#   openssl                         self-signed certificates for the SSL_GET checker tests
PACKAGES=(
  iproute2 iputils-ping tcpdump procps kmod
  keepalived ipvsadm
  qemu-system-x86 busybox-static xz-utils
  python3 make g++ patch
  openssl
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
apt-get update -q
echo "install-deps: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
