// The network-namespace harness for tests. Topologies, processes and teardown live in
// src/lab/netns (`vigil lab` uses them too); packet capture is test-only and lives here.
export * from '../../../src/lab/netns/index.js';
export { PacketCapture, type CapturePoint, type CaptureOptions } from './PacketCapture.js';
export { parsePcap, readPcapFile, LINKTYPE_ETHERNET, type PcapFile, type PcapFrame } from './PcapReader.js';
export { parseEthernetHeader, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, type EthernetHeader } from './EthernetHeader.js';
