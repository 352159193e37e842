import type { Statement } from '../ConfigAst.js';
import type { Draft } from './Draft.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRules } from './KeywordRules.js';
import { readNameList, readNotify, readWeightedRefs } from './TrackReferences.js';
import { readOptionalBoolean, wordText } from './ValueReaders.js';
import type { VrrpSyncGroup } from './VrrpSyncGroup.js';

type GroupDraft = Draft<VrrpSyncGroup> & { groupSeen: boolean };

export const SYNC_GROUP_PASS_THROUGH: ReadonlySet<string> = new Set(['track_file', 'track_process', 'track_bfd', 'notify_priority_changes']);

export const SYNC_GROUP_RULES: KeywordRules<GroupDraft> = {
  group: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      if (d.groupSeen) {
        // vrrp_parser.c: "Group list already specified for sync group" — the first list stays.
        sink.warning('duplicate-keyword', s.keyword, 'group', `vrrp_sync_group ${d.name} already has a group list; keepalived ignores this one`, 'merge the two group blocks');
        return;
      }
      d.members = readNameList(s, sink);
      d.groupSeen = true;
    },
  },
  track_interface: { block: 'required', repeatable: true, apply: (s, d, sink) => (d.trackInterfaces = readWeightedRefs(s, sink, d.trackInterfaces)) },
  track_script: { block: 'required', repeatable: true, apply: (s, d, sink) => (d.trackScripts = readWeightedRefs(s, sink, d.trackScripts)) },
  notify: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notify = readNotify(s, d.notify, sink)) },
  notify_master: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyMaster = readNotify(s, d.notifyMaster, sink)) },
  notify_backup: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyBackup = readNotify(s, d.notifyBackup, sink)) },
  notify_fault: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyFault = readNotify(s, d.notifyFault, sink)) },
  notify_stop: { minArgs: 1, maxArgs: Infinity, repeatable: true, apply: (s, d, sink) => (d.notifyStop = readNotify(s, d.notifyStop, sink)) },
  smtp_alert: { maxArgs: 1, apply: (s, d, sink) => (d.smtpAlert = readOptionalBoolean(s, 0, sink)) },
  global_tracking: {
    apply: (s, d, sink) => {
      // keepalived 2.2.7 still honours it but logs "global_tracking is deprecated".
      sink.warning('deprecated-keyword', s.keyword, 'global_tracking', "'global_tracking' is deprecated; it still applies", 'configure track_interface/track_script on the sync group instead');
      d.globalTracking = true;
    },
  },
  sync_group_tracking_weight: { apply: (_s, d) => (d.syncGroupTrackingWeight = true) },
};

export const VRRP_SYNC_GROUP_KEYWORDS: readonly string[] = Object.keys(SYNC_GROUP_RULES);

export function buildVrrpSyncGroup(stmt: Statement, sink: DiagnosticSink): VrrpSyncGroup | null {
  const nameWord = stmt.args[0];
  const draft: GroupDraft = {
    name: nameWord ? wordText(nameWord, 'vrrp_sync_group', sink) : '',
    pos: stmt.keyword.pos,
    members: [],
    trackInterfaces: [],
    trackScripts: [],
    notify: null,
    notifyMaster: null,
    notifyBackup: null,
    notifyFault: null,
    notifyStop: null,
    smtpAlert: null,
    globalTracking: false,
    syncGroupTrackingWeight: false,
    groupSeen: false,
  };
  walkBlock(stmt.block?.statements ?? [], SYNC_GROUP_RULES, draft, sink, { blockName: 'vrrp_sync_group', passThrough: SYNC_GROUP_PASS_THROUGH });
  if (!nameWord) return null;
  if (draft.members.length === 0) {
    sink.error(
      'missing-required',
      stmt.keyword,
      'vrrp_sync_group',
      `vrrp_sync_group ${draft.name} has no members (keepalived removes it)`,
      'add: group { VI_1 VI_2 }',
    );
    return null;
  }
  const { groupSeen: _groupSeen, ...group } = draft;
  return group;
}
