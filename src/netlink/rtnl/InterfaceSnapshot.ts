import { encodeLinkDumpRequest, decodeLinkMessage } from './LinkCodec.js';
import type { LinkState } from './LinkState.js';
import type { RtnlClient } from './RtnlClient.js';
import { RTM_NEWLINK } from './RtnetlinkConstants.js';
import type { InterfaceDirectory } from './VipSpec.js';

/** The namespace's interfaces at one moment (an RTM_GETLINK dump), for one-shot tools. */
export class InterfaceSnapshot implements InterfaceDirectory {
  private readonly byName = new Map<string, LinkState>();
  private readonly byIndex = new Map<number, LinkState>();

  constructor(links: readonly LinkState[]) {
    for (const link of links) {
      this.byName.set(link.name, link);
      this.byIndex.set(link.ifindex, link);
    }
  }

  static async load(client: RtnlClient): Promise<InterfaceSnapshot> {
    const messages = await client.dump({ what: 'link', encode: (seq) => encodeLinkDumpRequest({ seq }) });
    const links: LinkState[] = [];
    for (const message of messages) {
      if (message.header.type !== RTM_NEWLINK) continue;
      const decoded = decodeLinkMessage(message);
      if (decoded !== null) links.push(decoded.link);
    }
    return new InterfaceSnapshot(links);
  }

  links(): LinkState[] {
    return [...this.byIndex.values()];
  }

  indexOf(name: string): number | undefined {
    return this.byName.get(name)?.ifindex;
  }

  nameOf(ifindex: number): string | undefined {
    return this.byIndex.get(ifindex)?.name;
  }
}
