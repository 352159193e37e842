/**
 * Linux errno values that netlink replies carry (negated) in NLMSG_ERROR and
 * NLMSG_DONE. From include/uapi/asm-generic/errno-base.h (1..34) and
 * include/uapi/asm-generic/errno.h (the rest); x86 and arm64 use these values.
 * Hard-coded rather than read from `os.constants.errno` so decoding does not
 * depend on the platform the tests run on.
 */
export const LINUX_ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  EMSGSIZE: 90,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  ENOBUFS: 105,
} as const;

export type LinuxErrnoName = keyof typeof LINUX_ERRNO;

const NAMES = new Map<number, LinuxErrnoName>(
  (Object.entries(LINUX_ERRNO) as [LinuxErrnoName, number][]).map(([name, value]) => [value, name]),
);

/** `ESRCH` for 3; `errno 200` for numbers outside the table. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}
