/** What a request encoder needs for the `struct nlmsghdr` besides type and flags. */
export interface RequestHeader {
  readonly seq: number;
  /** Sender port id; 0 lets the kernel use the socket's own (as iproute2 does). */
  readonly pid?: number;
}
