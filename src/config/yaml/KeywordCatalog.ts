import { TOP_PASS_THROUGH, TOP_RULES } from '../model/buildConfigModel.js';
import { GLOBAL_PASS_THROUGH, GLOBAL_RULES } from '../model/buildGlobalDefs.js';
import { AUTH_RULES, INSTANCE_PASS_THROUGH, INSTANCE_RULES } from '../model/buildVrrpInstance.js';
import { SCRIPT_RULES } from '../model/buildVrrpScript.js';
import { SYNC_GROUP_PASS_THROUGH, SYNC_GROUP_RULES } from '../model/buildVrrpSyncGroup.js';
import { RS_PASS_THROUGH, RS_RULES, VS_PASS_THROUGH, VS_RULES } from '../model/buildVirtualServer.js';
import { HTTP_RULES, MISC_RULES, TCP_RULES, URL_PASS_THROUGH, URL_RULES } from '../model/buildChecker.js';

/** What the schema needs to know of one keyword rule (the model's rules carry more). */
export interface KeywordShape {
  readonly minArgs?: number;
  readonly maxArgs?: number;
  readonly block?: 'required' | 'optional' | 'none';
  readonly repeatable?: boolean;
  readonly usage?: string;
  readonly deprecatedFor?: string;
}

/** One kind of block: the keywords valid in it, and which rules read the blocks nested in it. */
export interface BlockCatalogEntry {
  readonly name: string;
  readonly rules: Readonly<Record<string, KeywordShape>>;
  readonly passThrough: ReadonlySet<string>;
  /** Keyword → the catalog entry of its block (keywords whose block is a list are not here). */
  readonly children: Readonly<Record<string, string>>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The model's own keyword tables, indexed by block, so the JSON Schema can never drift from
 * what the validator accepts.
 */
export const KEYWORD_CATALOG: readonly BlockCatalogEntry[] = [
  {
    name: 'top',
    rules: TOP_RULES,
    passThrough: TOP_PASS_THROUGH,
    children: { global_defs: 'global_defs', vrrp_script: 'vrrp_script', vrrp_sync_group: 'vrrp_sync_group', vrrp_instance: 'vrrp_instance', virtual_server: 'virtual_server' },
  },
  { name: 'global_defs', rules: GLOBAL_RULES, passThrough: GLOBAL_PASS_THROUGH, children: {} },
  { name: 'vrrp_script', rules: SCRIPT_RULES, passThrough: NONE, children: {} },
  { name: 'vrrp_sync_group', rules: SYNC_GROUP_RULES, passThrough: SYNC_GROUP_PASS_THROUGH, children: {} },
  { name: 'vrrp_instance', rules: INSTANCE_RULES, passThrough: INSTANCE_PASS_THROUGH, children: { authentication: 'authentication' } },
  { name: 'authentication', rules: AUTH_RULES, passThrough: NONE, children: {} },
  {
    name: 'virtual_server',
    rules: VS_RULES,
    passThrough: VS_PASS_THROUGH,
    children: { real_server: 'real_server', TCP_CHECK: 'TCP_CHECK', HTTP_GET: 'HTTP_GET', SSL_GET: 'HTTP_GET', MISC_CHECK: 'MISC_CHECK' },
  },
  {
    name: 'real_server',
    rules: RS_RULES,
    passThrough: RS_PASS_THROUGH,
    children: { TCP_CHECK: 'TCP_CHECK', HTTP_GET: 'HTTP_GET', SSL_GET: 'HTTP_GET', MISC_CHECK: 'MISC_CHECK' },
  },
  { name: 'TCP_CHECK', rules: TCP_RULES, passThrough: NONE, children: {} },
  { name: 'HTTP_GET', rules: HTTP_RULES, passThrough: NONE, children: { url: 'url' } },
  { name: 'url', rules: URL_RULES, passThrough: URL_PASS_THROUGH, children: {} },
  { name: 'MISC_CHECK', rules: MISC_RULES, passThrough: NONE, children: {} },
];
