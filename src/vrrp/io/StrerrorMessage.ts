import { getSystemErrorMap } from 'node:util';

/**
 * The `raw-socket` package reports failures as `new Error(strerror(errno))`: no code, only
 * glibc's message. This maps such a message back to the errno name so its errors carry the
 * same `errno` detail as the addon's.
 *
 * Node's own table (libuv's messages) agrees with glibc for most values; these are the ones
 * a raw socket can hit where the wording differs (glibc string.h / strerror(3) texts).
 */
const GLIBC_MESSAGES: Readonly<Record<string, string>> = {
  'cannot assign requested address': 'EADDRNOTAVAIL',
  'no route to host': 'EHOSTUNREACH',
  'cannot allocate memory': 'ENOMEM',
  'address family not supported by protocol': 'EAFNOSUPPORT',
  'device or resource busy': 'EBUSY',
  'operation not supported': 'EOPNOTSUPP',
  'transport endpoint is not connected': 'ENOTCONN',
  'operation now in progress': 'EINPROGRESS',
  'operation already in progress': 'EALREADY',
};

let libuvMessages: Map<string, string> | undefined;

function libuvTable(): Map<string, string> {
  if (libuvMessages === undefined) {
    libuvMessages = new Map();
    for (const [name, message] of getSystemErrorMap().values()) {
      const key = message.toLowerCase();
      // EAGAIN and EWOULDBLOCK share a message on Linux; keep the first (EAGAIN) name.
      if (!libuvMessages.has(key)) libuvMessages.set(key, name);
    }
  }
  return libuvMessages;
}

/** `EPERM` for "Operation not permitted", ...; undefined for a message that is no strerror text. */
export function errnoNameOfStrerror(message: string): string | undefined {
  const key = message.trim().toLowerCase();
  return GLIBC_MESSAGES[key] ?? libuvTable().get(key);
}
