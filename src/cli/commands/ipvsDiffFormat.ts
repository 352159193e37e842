import { ipvsServiceKey } from '../../ipvs/IpvsKey.js';
import { operationRuleText, serviceSelector } from '../../ipvs/IpvsadmRuleText.js';
import type { ReloadPlan } from '../../ipvs/ReloadPlan.js';

/**
 * `vigil ipvs diff` output: each planned operation as the ipvsadm command that would do
 * the same (so it can be read, or fed to `ipvsadm -R`), then what is left alone.
 */
export function formatReloadPlan(plan: ReloadPlan): string {
  let out = '';
  for (const problem of plan.problems) out += `# warning: ${problem.message}\n`;
  if (plan.operations.length === 0) out += '# no changes: the kernel table already matches the configuration\n';
  else out += `# ${plan.operations.length} operation(s) a reload would apply, in order:\n`;
  for (const operation of plan.operations) out += `${operationRuleText(operation)}\n`;
  for (const service of plan.unmanaged) out += `# not in the configuration, left alone: ${serviceSelector(service)}\n`;
  return out;
}

export function formatReloadPlanJson(plan: ReloadPlan): string {
  return `${JSON.stringify(
    {
      operations: plan.operations.map((op) => ({ kind: op.kind, service: ipvsServiceKey(op.service), ...('dest' in op && { dest: op.dest }), ipvsadm: operationRuleText(op) })),
      unmanaged: plan.unmanaged.map((s) => ipvsServiceKey(s)),
      problems: plan.problems,
    },
    null,
    2,
  )}\n`;
}
