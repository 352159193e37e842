import { isIpvsUnavailable } from './StatusSource.js';
import type { IpvsSyncPass } from '../ipvs/IpvsSync.js';
import type { VrrpState } from '../vrrp/fsm/VrrpState.js';
import { Counter, Histogram } from './MetricRegistry.js';
import { renderPrometheusText, type MetricFamily, type MetricSample } from './PrometheusText.js';
import type { ReloadOutcomeKind, VigilStatus } from './StatusSource.js';

const VRRP_STATES: readonly VrrpState[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT'];

/** Probe latencies: connect_timeout defaults to 5 s (keepalived check_data.c), so buckets reach past it. */
const PROBE_DURATION_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Label names avoid `instance` and `job`: Prometheus sets those on every scraped series and
 * renames a clashing label to `exported_instance` (seen with Prometheus 2.42), so the VRRP
 * instance is `vrrp_instance`.
 */
export interface BuildInfo {
  readonly version: string;
  readonly nodeVersion: string;
}

/**
 * Vigil's Prometheus metrics. Two kinds:
 * - event counters the daemon feeds as things happen (transitions, probe results and
 *   latency, IPVS passes, reloads);
 * - everything else is read from a `VigilStatus` at scrape time (states, priorities,
 *   receive counters, real servers, IPVS ownership), so nothing can drift from `vigil status`.
 */
export class VigilMetrics {
  private readonly transitions = new Counter('vigil_vrrp_transitions_total', 'VRRP state transitions.', ['vrrp_instance', 'from', 'to']);
  // A family of its own: adding `reason` to the one above would split every existing series.
  private readonly transitionReasons = new Counter('vigil_vrrp_transition_reasons_total', 'VRRP state transitions by the state entered and the reason.', ['vrrp_instance', 'to', 'reason']);
  // Probes are shared between real servers that check the same target, so results are
  // counted per checker kind; per-server health is vigil_real_server_up.
  private readonly checkResults = new Counter('vigil_checker_results_total', 'Health check probe results.', ['checker', 'result']);
  private readonly checkFailures = new Counter('vigil_checker_failures_total', 'Failed health check probes by reason.', ['checker', 'reason']);
  private readonly probeDuration = new Histogram('vigil_checker_probe_duration_seconds', 'Health check probe duration.', ['checker'], PROBE_DURATION_BUCKETS_S);
  private readonly ipvsOperations = new Counter('vigil_ipvs_operations_total', 'IPVS operations sent to the kernel, by sync pass reason.', ['reason']);
  private readonly ipvsErrors = new Counter('vigil_ipvs_operation_errors_total', 'IPVS operations the kernel refused, by sync pass reason.', ['reason']);
  private readonly ipvsRestored = new Counter('vigil_ipvs_drift_repairs_total', 'IPVS entries put back after being changed behind Vigil.', []);
  private readonly reloads = new Counter('vigil_reloads_total', 'Configuration reloads by outcome.', ['outcome']);

  constructor(private readonly build: BuildInfo) {}

  /** `reason` (the machine's `TransitionReason`) when the sender knows it. */
  vrrpTransition(instance: string, from: VrrpState, to: VrrpState, reason?: string | null): void {
    this.transitions.inc({ vrrp_instance: instance, from, to });
    if (reason) this.transitionReasons.inc({ vrrp_instance: instance, to, reason });
  }

  /** One probe result; `checker` is the keepalived block name (`TCP_CHECK`, `HTTP_GET`, ...), `reason` set on failure. */
  checkerResult(result: { checker: string; ok: boolean; durationSeconds: number; reason?: string }): void {
    this.checkResults.inc({ checker: result.checker, result: result.ok ? 'success' : 'failure' });
    if (!result.ok) this.checkFailures.inc({ checker: result.checker, reason: result.reason ?? 'unknown' });
    this.probeDuration.observe({ checker: result.checker }, result.durationSeconds);
  }

  ipvsPass(pass: IpvsSyncPass): void {
    this.ipvsOperations.inc({ reason: pass.reason }, pass.operations);
    this.ipvsErrors.inc({ reason: pass.reason }, pass.failures.length);
    if (pass.restored > 0) this.ipvsRestored.inc({}, pass.restored);
  }

  reload(outcome: ReloadOutcomeKind): void {
    this.reloads.inc({ outcome });
  }

  /** Every family, for one scrape. */
  collect(status: VigilStatus): MetricFamily[] {
    return [
      ...this.fromStatus(status),
      this.transitions.collect(),
      this.transitionReasons.collect(),
      this.checkResults.collect(),
      this.checkFailures.collect(),
      this.probeDuration.collect(),
      this.ipvsOperations.collect(),
      this.ipvsErrors.collect(),
      this.ipvsRestored.collect(),
      this.reloads.collect(),
    ];
  }

  render(status: VigilStatus): string {
    return renderPrometheusText(this.collect(status));
  }

  private fromStatus(status: VigilStatus): MetricFamily[] {
    const families: MetricFamily[] = [
      gauge('vigil_build_info', 'Vigil build; the value is always 1.', [sample({ version: this.build.version, node_version: this.build.nodeVersion }, 1)]),
      gauge('vigil_start_time_seconds', 'When the daemon started, seconds since the epoch.', [sample({}, status.daemon.startedAt / 1000)]),
    ];
    if (status.vrrp) {
      const { instances, receive } = status.vrrp;
      families.push(
        gauge('vigil_vrrp_state', 'VRRP state of each instance: 1 for the current state, 0 for the others.', instances.flatMap((i) => VRRP_STATES.map((s) => sample({ vrrp_instance: i.name, state: s }, i.state === s ? 1 : 0)))),
        gauge('vigil_vrrp_priority', 'Effective VRRP priority.', instances.map((i) => sample({ vrrp_instance: i.name }, i.priority))),
        gauge('vigil_vrrp_state_since_seconds', 'When each instance entered its current state, seconds since the epoch.', instances.map((i) => sample({ vrrp_instance: i.name }, i.since / 1000))),
        counter('vigil_vrrp_adverts_sent_total', 'VRRP adverts sent.', instances.map((i) => sample({ vrrp_instance: i.name }, i.advertsSent))),
        counter('vigil_vrrp_adverts_received_total', 'VRRP adverts that passed every receive check.', instances.map((i) => sample({ vrrp_instance: i.name }, i.advertsReceived))),
        gauge(
          'vigil_vrrp_last_advert_priority',
          'Priority in the last VRRP advert received (the master\'s, while BACKUP); absent before the first.',
          instances.flatMap((i) => (i.lastAdvertPriority === null ? [] : [sample({ vrrp_instance: i.name }, i.lastAdvertPriority)])),
        ),
        counter(
          'vigil_vrrp_adverts_dropped_total',
          'VRRP packets dropped, by reason; vrrp_instance is empty when no instance matched (unknown VRID) or the packet could not be decoded.',
          [
            ...Object.entries(receive.instances).flatMap(([name, c]) => Object.entries(c.dropped).map(([reason, n]) => sample({ vrrp_instance: name, interface: '', reason }, n ?? 0))),
            ...Object.entries(receive.unmatched).flatMap(([ifname, byReason]) => Object.entries(byReason).map(([reason, n]) => sample({ vrrp_instance: '', interface: ifname, reason }, n ?? 0))),
            ...Object.entries(receive.undecodable).flatMap(([ifname, byReason]) => Object.entries(byReason).map(([reason, n]) => sample({ vrrp_instance: '', interface: ifname, reason }, n ?? 0))),
          ],
        ),
        counter('vigil_vrrp_receive_errors_total', 'Socket receive errors.', Object.entries(receive.receiveErrors).map(([ifname, n]) => sample({ interface: ifname }, n))),
      );
    }
    if (status.checkers) {
      const vss = status.checkers.virtualServers;
      const rss = vss.flatMap((vs) => vs.realServers.map((rs) => ({ vs: vs.vs, rs })));
      families.push(
        gauge('vigil_real_server_up', 'Health verdict of each real server (1 up, 0 down).', rss.map(({ vs, rs }) => sample({ virtual_server: vs, real_server: rs.rs }, rs.up ? 1 : 0))),
        gauge('vigil_real_server_in_pool', 'Whether the real server should be in the IPVS service.', rss.map(({ vs, rs }) => sample({ virtual_server: vs, real_server: rs.rs }, rs.inPool ? 1 : 0))),
        gauge('vigil_real_server_weight', 'IPVS weight Vigil sets for the real server.', rss.map(({ vs, rs }) => sample({ virtual_server: vs, real_server: rs.rs }, rs.weight))),
        gauge('vigil_real_servers', 'Real servers per virtual server, by health.', vss.flatMap((vs) => {
          const up = vs.realServers.filter((rs) => rs.up).length;
          return [sample({ virtual_server: vs.vs, health: 'up' }, up), sample({ virtual_server: vs.vs, health: 'down' }, vs.realServers.length - up)];
        })),
        gauge('vigil_virtual_server_quorum_up', 'Whether the virtual server has its quorum.', vss.map((vs) => sample({ virtual_server: vs.vs }, vs.quorum.up ? 1 : 0))),
        gauge('vigil_checker_probes_in_flight', 'Probes running now.', [sample({}, status.checkers.probes.inFlight)]),
      );
    }
    if (status.ipvs) {
      const ipvs = status.ipvs;
      families.push(gauge('vigil_ipvs_available', 'Whether the kernel IPVS table can be programmed (0: no IPVS or no CAP_NET_ADMIN).', [sample({}, isIpvsUnavailable(ipvs) ? 0 : 1)]));
      if (!isIpvsUnavailable(ipvs)) {
        families.push(
          gauge('vigil_ipvs_sync_running', 'Whether the IPVS sync is running.', [sample({}, ipvs.running ? 1 : 0)]),
          gauge('vigil_ipvs_owned_services', 'IPVS services Vigil owns.', [sample({}, ipvs.ownedServices)]),
          gauge('vigil_ipvs_owned_dests', 'IPVS destinations Vigil owns.', [sample({}, ipvs.ownedDests)]),
          counter('vigil_ipvs_sync_passes_total', 'IPVS sync passes.', [sample({}, ipvs.passes)]),
        );
      }
    }
    const children = status.daemon.children ?? [];
    if (children.length > 0) {
      families.push(
        gauge('vigil_child_up', 'Whether each child process (vrrp, checker) is running.', children.map((c) => sample({ child: c.role }, c.running ? 1 : 0))),
        counter('vigil_child_restarts_total', 'Child processes restarted after a crash.', children.map((c) => sample({ child: c.role }, c.restarts))),
      );
    }
    return families;
  }
}

function sample(labels: Record<string, string>, value: number): MetricSample {
  return { suffix: '', labels, value };
}

function gauge(name: string, help: string, samples: MetricSample[]): MetricFamily {
  return { name, help, type: 'gauge', samples };
}

function counter(name: string, help: string, samples: MetricSample[]): MetricFamily {
  return { name, help, type: 'counter', samples };
}
