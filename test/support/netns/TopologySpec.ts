// Moved to src/lab/netns/TopologySpec.ts; re-exported so existing test imports keep working.
export * from '../../../src/lab/netns/TopologySpec.js';
