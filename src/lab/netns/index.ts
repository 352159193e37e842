// Network-namespace topologies: build a small LAN of namespaces, run processes in it, tear it down.
// Used by `vigil lab` and, through test/support/netns, by the integration tests.
export { Topology, type CreateOptions, type ExecOptions } from './Topology.js';
export type { TopologySpec, HostSpec, LinkSpec, RouteSpec, TopologyPlan, PlannedHost, PlannedLink } from './TopologySpec.js';
export { NetnsProcess, type ProcessExit, type SpawnOptions, type StopOptions } from './NetnsProcess.js';
export { runCommand, type CommandResult, type CommandOptions } from './CommandRunner.js';
export { hasNetnsSupport, type SupportCheck } from './NetnsSupport.js';
export { sweepStaleNamespaces, listNamedNamespaces } from './StaleNamespaceSweeper.js';
export { waitFor, type WaitForOptions } from './waitFor.js';
export { isDocumentationAddress } from './DocumentationAddress.js';
