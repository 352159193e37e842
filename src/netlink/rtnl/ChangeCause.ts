/**
 * Where a change was learnt: a kernel notification (live, or buffered during a resync
 * and replayed after it), or the diff between the mirror and a resynchronising dump.
 */
export type ChangeCause = 'notification' | 'resync';
