'use strict';
// Reproduces a multicast overrun on a bare `netlink` package socket, with no Vigil
// code in the way: subscribe to RTNLGRP_LINK / IPV4_IFADDR / IPV6_IFADDR with the
// smallest SO_RCVBUF, block the event loop while `ip -batch FILE` makes thousands of
// changes, then let the loop run. Prints one JSON line if the process survives.
// Run inside a namespace: ip netns exec NS node overrun-probe.cjs BATCHFILE
const { createRequire } = require('node:module');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const requireFromRepo = createRequire(path.resolve(__dirname, '../../../package.json'));
const { RawNetlinkSocket } = requireFromRepo('netlink');

const socket = new RawNetlinkSocket(0, { recvBufferSize: 1, sendBufferSize: 0 });
for (const group of [1, 5, 9]) socket.addMembership(group);
const errors = [];
let messages = 0;
socket.on('error', (e) => errors.push(`${e.code}:${e.syscall}`));
socket.on('message', () => messages++);

const batch = spawnSync('ip', ['-batch', process.argv[2]], { encoding: 'utf8' });
setTimeout(() => {
  const afterOverrun = messages;
  // Is the socket still alive? One more change must arrive as a notification.
  spawnSync('ip', ['addr', 'add', '192.0.2.254/32', 'dev', 'eth0']);
  setTimeout(() => {
    console.log(JSON.stringify({ batchStatus: batch.status, errors, afterOverrun, afterProbe: messages, rcvbuf: socket.getRecvBufferSize() }));
    socket.close();
  }, 300);
}, 300);
