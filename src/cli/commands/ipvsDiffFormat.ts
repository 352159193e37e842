import { ipvsServiceDestKey, ipvsServiceKey } from '../../ipvs/IpvsKey.js';
import type { IpvsOwnershipLoad } from '../../ipvs/IpvsOwnershipStore.js';
import { endpointText, operationRuleText, serviceSelector } from '../../ipvs/IpvsadmRuleText.js';
import type { IpvsLeftover, ReloadPlan } from '../../ipvs/ReloadPlan.js';

/** The ownership record the plan was made with: where it is and what reading it found. */
export interface OwnershipRecordReading {
  readonly path: string;
  readonly load: IpvsOwnershipLoad;
}

function leftoverSelector(leftover: IpvsLeftover): string {
  const service = serviceSelector(leftover.service);
  return leftover.dest === undefined ? service : `${service} -r ${endpointText(leftover.dest.af, leftover.dest.address, leftover.dest.port)}`;
}

/**
 * `vigil ipvs diff` output: each planned operation as the ipvsadm command that would do
 * the same (so it can be read, or fed to `ipvsadm -R`), then what goes because a previous
 * Vigil run left it behind (the ownership record names it), then what is left alone.
 */
export function formatReloadPlan(plan: ReloadPlan, record: OwnershipRecordReading | null = null): string {
  let out = '';
  if (record?.load.kind === 'ignored') out += `# warning: ownership record ${record.path} ignored: ${record.load.reason}\n`;
  for (const problem of plan.problems) out += `# warning: ${problem.message}\n`;
  if (plan.operations.length === 0) out += '# no changes: the kernel table already matches the configuration\n';
  else out += `# ${plan.operations.length} operation(s) a reload would apply, in order:\n`;
  for (const operation of plan.operations) out += `${operationRuleText(operation)}\n`;
  for (const leftover of plan.leftovers) out += `# would be removed (left over from a previous Vigil run): ${leftoverSelector(leftover)}\n`;
  for (const service of plan.unmanaged) out += `# not in the configuration, left alone: ${serviceSelector(service)}\n`;
  return out;
}

export function formatReloadPlanJson(plan: ReloadPlan, record: OwnershipRecordReading | null = null): string {
  return `${JSON.stringify(
    {
      operations: plan.operations.map((op) => ({ kind: op.kind, service: ipvsServiceKey(op.service), ...('dest' in op && { dest: op.dest }), ipvsadm: operationRuleText(op) })),
      leftovers: plan.leftovers.map((l) => (l.dest === undefined ? ipvsServiceKey(l.service) : ipvsServiceDestKey(l.service, l.dest))),
      unmanaged: plan.unmanaged.map((s) => ipvsServiceKey(s)),
      problems: plan.problems,
      ...(record !== null && {
        ownershipRecord: { path: record.path, status: record.load.kind, ...(record.load.kind === 'ignored' && { reason: record.load.reason }) },
      }),
    },
    null,
    2,
  )}\n`;
}
