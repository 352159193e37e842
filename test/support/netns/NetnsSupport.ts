// Moved to src/lab/netns/NetnsSupport.ts; re-exported so existing test imports keep working.
export * from '../../../src/lab/netns/NetnsSupport.js';
