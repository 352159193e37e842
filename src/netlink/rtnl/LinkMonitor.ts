import type { NetlinkMessage } from '../NetlinkMessage.js';
import { decodeLinkMessage, encodeLinkDumpRequest } from './LinkCodec.js';
import type { LinkState } from './LinkState.js';
import { LinkTable, type LinkChange } from './LinkTable.js';
import { MirrorSession } from './MirrorSession.js';
import { MirroredMonitor } from './MirroredMonitor.js';
import type { RtnlMonitorOptions } from './RtnlMonitorOptions.js';
import { RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from './RtnetlinkConstants.js';
import type { InterfaceDirectory } from './VipSpec.js';

/**
 * Every link of the namespace with its name, flags (IFF_UP, IFF_RUNNING, IFF_LOWER_UP)
 * and operational state, kept current through RTNLGRP_LINK and put right by a dump
 * after any lost notification. A link that stops being usable (`wentDown`) is what
 * sends a VRRP instance to FAULT.
 */
export class LinkMonitor extends MirroredMonitor<LinkChange> implements InterfaceDirectory {
  private constructor(
    private readonly table: LinkTable,
    session: MirrorSession<LinkChange>,
  ) {
    super(session);
  }

  /** Subscribes, loads every link, and resolves once the table is current. */
  static async start(options: RtnlMonitorOptions = {}): Promise<LinkMonitor> {
    const table = new LinkTable();
    const session = await MirrorSession.start<LinkChange>(
      {
        what: 'link',
        groups: [RTNLGRP_LINK],
        dumps: [{ what: 'link', encode: (seq) => encodeLinkDumpRequest({ seq }) }],
        applyNotification: (message) => applyLinkNotification(table, message),
        replaceWithDump: (messages) => table.replaceAll(dumpedLinks(messages)),
      },
      options,
    );
    return new LinkMonitor(table, session);
  }

  links(): LinkState[] {
    return this.table.all();
  }

  link(ifindex: number): LinkState | undefined {
    return this.table.byIfindex(ifindex);
  }

  linkNamed(name: string): LinkState | undefined {
    return this.table.byName(name);
  }

  indexOf(name: string): number | undefined {
    return this.table.byName(name)?.ifindex;
  }

  nameOf(ifindex: number): string | undefined {
    return this.table.byIfindex(ifindex)?.name;
  }
}

function applyLinkNotification(table: LinkTable, message: NetlinkMessage): LinkChange | null {
  if (message.header.type !== RTM_NEWLINK && message.header.type !== RTM_DELLINK) return null;
  const decoded = decodeLinkMessage(message);
  if (decoded === null) return null;
  return decoded.kind === 'new' ? table.upsert(decoded.link) : table.remove(decoded.link.ifindex);
}

function dumpedLinks(messages: readonly NetlinkMessage[]): LinkState[] {
  const links: LinkState[] = [];
  for (const message of messages) {
    if (message.header.type !== RTM_NEWLINK) continue;
    const decoded = decodeLinkMessage(message);
    if (decoded !== null) links.push(decoded.link);
  }
  return links;
}
