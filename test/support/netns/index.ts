// The network-namespace harness: build a topology, run things in it, capture frames.
export { Topology, type CreateOptions, type ExecOptions } from './Topology.js';
export type { TopologySpec, HostSpec, LinkSpec, RouteSpec, TopologyPlan, PlannedHost, PlannedLink } from './TopologySpec.js';
export { NetnsProcess, type ProcessExit, type SpawnOptions, type StopOptions } from './NetnsProcess.js';
export { runCommand, type CommandResult, type CommandOptions } from './CommandRunner.js';
export { hasNetnsSupport, type SupportCheck } from './NetnsSupport.js';
export { sweepStaleNamespaces, listNamedNamespaces } from './StaleNamespaceSweeper.js';
export { waitFor, type WaitForOptions } from './waitFor.js';
export { PacketCapture, type CapturePoint, type CaptureOptions } from './PacketCapture.js';
export { parsePcap, readPcapFile, LINKTYPE_ETHERNET, type PcapFile, type PcapFrame } from './PcapReader.js';
export { parseEthernetHeader, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, type EthernetHeader } from './EthernetHeader.js';
export { isDocumentationAddress } from './DocumentationAddress.js';
