import {
  buildDelDaemon,
  buildDelDest,
  buildDelService,
  buildDumpDaemons,
  buildDumpDests,
  buildDumpServices,
  buildFlush,
  buildGetConfig,
  buildGetInfo,
  buildGetService,
  buildNewDaemon,
  buildNewDest,
  buildNewService,
  buildOperation,
  buildSetConfig,
  buildSetDest,
  buildSetService,
  buildZero,
} from './IpvsRequestBuilder.js';
import { parseConfigReply, parseDaemonReply, parseDestReply, parseInfoReply, parseServiceReply } from './IpvsReplyParser.js';

export type { IpvsRequestHeader } from './IpvsRequestBuilder.js';

/**
 * The IPVS generic netlink codec: pure functions from the typed model to request
 * bytes, and from reply messages back to the model. Sockets, sequence numbers
 * and family resolution belong to the client.
 *
 * Requests: NEW/SET/DEL/GET service, NEW/SET/DEL/GET(dump) dest, NEW/DEL/GET daemon,
 * SET/GET config, FLUSH, ZERO, GET_INFO, plus `buildOperation` for reconciler output.
 */
export const IpvsCodec = {
  buildNewService,
  buildSetService,
  buildDelService,
  buildGetService,
  buildDumpServices,
  buildNewDest,
  buildSetDest,
  buildDelDest,
  buildDumpDests,
  buildNewDaemon,
  buildDelDaemon,
  buildDumpDaemons,
  buildSetConfig,
  buildGetConfig,
  buildGetInfo,
  buildFlush,
  buildZero,
  buildOperation,
  parseServiceReply,
  parseDestReply,
  parseDaemonReply,
  parseInfoReply,
  parseConfigReply,
} as const;
