// Moved to src/lab/netns/ProcessTable.ts; re-exported so existing test imports keep working.
export * from '../../../src/lab/netns/ProcessTable.js';
