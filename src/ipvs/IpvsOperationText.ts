import { ipvsServiceDestKey, ipvsServiceKey } from './IpvsKey.js';
import type { IpvsOperation, IpvsOperationKind } from './IpvsOperation.js';

/** The IPVS_CMD_* name each planned operation is sent as (include/uapi/linux/ip_vs.h). */
const COMMAND_NAMES: Readonly<Record<IpvsOperationKind, string>> = {
  'add-service': 'NEW_SERVICE',
  'edit-service': 'SET_SERVICE',
  'delete-service': 'DEL_SERVICE',
  'add-dest': 'NEW_DEST',
  'edit-dest': 'SET_DEST',
  'delete-dest': 'DEL_DEST',
};

export function operationCommandName(operation: IpvsOperation): string {
  return COMMAND_NAMES[operation.kind];
}

/** `NEW_DEST tcp|192.0.2.1|80>198.51.100.2|80`: the command and the table key it targets. */
export function describeOperation(operation: IpvsOperation): string {
  const target = 'dest' in operation ? ipvsServiceDestKey(operation.service, operation.dest) : ipvsServiceKey(operation.service);
  return `${COMMAND_NAMES[operation.kind]} ${target}`;
}
