// Moved to src/lab/netns/CommandRunner.ts; re-exported so existing test imports keep working.
export * from '../../../src/lab/netns/CommandRunner.js';
