import type { Action } from '../../../../src/vrrp/fsm/Action.js';
import type { InstanceEvent, ReceivedAdvert } from '../../../../src/vrrp/fsm/InstanceEvent.js';
import type { InstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';
import { SyncGroupCoordinator, type ActionBatch } from '../../../../src/vrrp/fsm/SyncGroupCoordinator.js';
import { TimerSet, type ArmedTimer } from '../../../../src/vrrp/fsm/TimerSet.js';
import { VirtualClock } from '../../../../src/vrrp/fsm/VirtualClock.js';
import { VrrpInstanceMachine } from '../../../../src/vrrp/fsm/VrrpInstanceMachine.js';

/**
 * Replays a `.jsonl` scenario through real machines, a `TimerSet` and a `VirtualClock`.
 *
 * Scenario format, one JSON value per line (blank lines and lines starting with `//` ignored):
 * - line 1: `{ "description": "...", "instances": [InstanceSpec...], "syncGroups"?: [{ "name", "members" }] }`
 *   With `"lan": true` every `send-advert` is delivered (same `at`, after the current event)
 *   as an `advert-received` to every other instance with the same VRID, as if on one LAN.
 * - then: `{ "at": ms, "instance"?: name, "event"?: InstanceEvent }` in non-decreasing `at`.
 *   `{ "at": ms, "lan": "down" | "up" }` partitions / heals the simulated LAN.
 *   The clock advances to `at` first (firing due timers in order), then the event is delivered.
 *   `instance` may be omitted when there is one instance. A line without `event` only advances.
 *   An `advert-received` advert may omit vrid, version, advertIntervalCs, vips and authOk:
 *   they default to the receiving instance's own values (authOk true).
 *
 * Output (the golden format), one JSON value per line:
 * - `{ "at", "instance", "event" }` for every event delivered (given, timer or sync-group forced);
 * - `{ "at", "instance"|"group", "action" }` for every action produced, in order;
 * - at the end `{ "at", "instance", "final": { state, priority, masterAdverIntervalCs, timers } }`.
 */
export interface ScenarioHeader {
  readonly description: string;
  readonly instances: readonly InstanceSpec[];
  readonly syncGroups?: readonly { readonly name: string; readonly members: readonly string[] }[];
  readonly lan?: boolean;
}

interface ScenarioStep {
  readonly at: number;
  readonly instance?: string;
  readonly event?: InstanceEvent;
  readonly lan?: 'down' | 'up';
}

export type OutputLine = Record<string, unknown>;

export function parseScenario(text: string): { header: ScenarioHeader; steps: ScenarioStep[] } {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('//'));
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error('empty scenario');
  const header = JSON.parse(first) as ScenarioHeader;
  if (!Array.isArray(header.instances) || header.instances.length === 0) throw new Error('scenario header has no instances');
  const steps = rest.map((line, i) => {
    const step = JSON.parse(line) as ScenarioStep;
    if (typeof step.at !== 'number') throw new Error(`scenario line ${i + 2} has no numeric "at"`);
    return step;
  });
  return { header, steps };
}

export function runScenario(text: string): OutputLine[] {
  const { header, steps } = parseScenario(text);
  const machines = new Map<string, VrrpInstanceMachine>();
  for (const spec of header.instances) machines.set(spec.name, new VrrpInstanceMachine(spec));
  const groupOf = new Map<string, SyncGroupCoordinator>();
  for (const group of header.syncGroups ?? []) {
    const members = group.members.map((m) => {
      const machine = machines.get(m);
      if (!machine) throw new Error(`sync group ${group.name}: unknown instance ${m}`);
      return machine;
    });
    const coordinator = new SyncGroupCoordinator(group.name, members);
    for (const m of group.members) groupOf.set(m, coordinator);
  }

  const clock = new VirtualClock(0);
  const timers = new TimerSet();
  const output: OutputLine[] = [];

  let lanUp = header.lan === true;
  const inFlight: { to: string; advert: ReceivedAdvert }[] = [];

  const record = (batches: readonly ActionBatch[]): void => {
    for (const batch of batches) {
      if (batch.origin === 'instance') {
        output.push({ at: clock.nowMs, instance: batch.name, event: batch.event });
        for (const action of batch.actions) {
          output.push({ at: clock.nowMs, instance: batch.name, action });
          if (action.type === 'send-advert' && lanUp) transmit(batch.name, action.priority);
        }
        timers.apply(batch.name, batch.actions, clock.nowMs);
      } else {
        for (const action of batch.actions) output.push({ at: clock.nowMs, group: batch.name, action });
      }
    }
  };

  /** The simulated LAN: an advert from `sender` reaches every other instance of its VRID. */
  const transmit = (sender: string, priority: number): void => {
    const from = machines.get(sender);
    if (!from) return;
    for (const [name, machine] of machines) {
      if (name === sender || machine.spec.vrid !== from.spec.vrid || machine.spec.family !== from.spec.family) continue;
      inFlight.push({
        to: name,
        advert: {
          vrid: from.spec.vrid,
          version: from.spec.version,
          priority,
          advertIntervalCs: from.spec.advertIntervalCs,
          source: from.spec.primaryAddress,
          vips: from.spec.vips,
          authOk: true,
        },
      });
    }
  };

  const deliver = (instance: string, event: InstanceEvent): void => {
    deliverOne(instance, event);
    // Adverts sent while handling the event arrive after it, in send order (bounded: a
    // misbehaving pair of machines answering each other forever fails the scenario).
    for (let hops = 0; inFlight.length > 0; hops++) {
      if (hops > 1000) throw new Error('advert storm on the simulated LAN');
      const next = inFlight.shift();
      if (next) deliverOne(next.to, { type: 'advert-received', advert: next.advert });
    }
  };

  const deliverOne = (instance: string, event: InstanceEvent): void => {
    const machine = machines.get(instance);
    if (!machine) throw new Error(`unknown instance ${instance}`);
    const coordinator = groupOf.get(instance);
    if (coordinator) {
      record(coordinator.handle(instance, event, clock.nowMs));
    } else {
      const actions: Action[] = machine.handle(event, clock.nowMs);
      record([{ origin: 'instance', name: instance, event, actions }]);
    }
  };

  const fire = (due: ArmedTimer): void => {
    deliver(due.owner, { type: 'timer-expired', timer: due.timer });
  };

  const onlyInstance = header.instances.length === 1 ? header.instances[0]?.name : undefined;
  for (const step of steps) {
    if (step.at < clock.nowMs) throw new Error(`scenario time goes backwards at ${step.at} ms`);
    clock.advanceTo(step.at, timers, fire);
    if (step.lan !== undefined) {
      lanUp = step.lan === 'up';
      output.push({ at: clock.nowMs, lan: step.lan });
    }
    if (step.event === undefined) continue;
    const instance = step.instance ?? onlyInstance;
    if (instance === undefined) throw new Error(`step at ${step.at} ms needs "instance"`);
    const machine = machines.get(instance);
    if (!machine) throw new Error(`unknown instance ${instance}`);
    deliver(instance, completeEvent(step.event, machine));
  }

  for (const [name, machine] of machines) {
    const snapshot = machine.snapshot();
    const pending = Object.fromEntries(timers.list().filter((t) => t.owner === name).map((t) => [t.timer, t.dueMs]));
    output.push({
      at: clock.nowMs,
      instance: name,
      final: {
        state: snapshot.state,
        priority: snapshot.effectivePriority,
        masterAdverIntervalCs: snapshot.masterAdverIntervalCs,
        timers: pending,
      },
    });
  }
  return output;
}

/** Fills an advert's omitted fields from the receiving instance's spec. */
function completeEvent(event: InstanceEvent, machine: VrrpInstanceMachine): InstanceEvent {
  if (event.type !== 'advert-received') return event;
  const partial = event.advert as Partial<ReceivedAdvert> & Pick<ReceivedAdvert, 'priority' | 'source'>;
  const advert: ReceivedAdvert = {
    vrid: partial.vrid ?? machine.spec.vrid,
    version: partial.version ?? machine.spec.version,
    priority: partial.priority,
    advertIntervalCs: partial.advertIntervalCs ?? machine.spec.advertIntervalCs,
    source: partial.source,
    vips: partial.vips ?? machine.spec.vips,
    authOk: partial.authOk ?? true,
  };
  return { type: 'advert-received', advert };
}

export function formatOutput(lines: readonly OutputLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
