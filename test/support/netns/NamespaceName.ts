// Moved to src/lab/netns/NamespaceName.ts; re-exported so existing test imports keep working.
export * from '../../../src/lab/netns/NamespaceName.js';
