// A synthetic recording for the timeline benchmark, encoded by the agent's own BatchEncoder: a
// page that creates `instances` instances over `seconds` and sends `events` events in all.
import { BatchEncoder } from '../../agent/protocol/encode.js';
import { AGENT_SOURCE, Op, PROTOCOL_VERSION, type AgentMessage } from '../../agent/protocol/messages.js';
import { toBundleValues } from '../../agent/post-message/sanitize.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type Recording } from '../../agent/protocol/recording.js';

const TYPES = ['Widget', 'Store', 'Subscription', 'Request', 'TreeNode', 'Listener', 'CacheEntry', 'Timer'];
/** Events per batch, as the agent sends them under load. */
const BATCH = 5_000;
/** Updates pick among this many most recent instances. */
const RECENT = 5_000;
const START = Date.UTC(2026, 10, 24, 9, 0, 0);

/**
 * 3 in 10 instances are detached (and so never reported collected), 5 in 10 are collected, at
 * random times up to a third of the session later; every other event is a bundle update of a
 * recent instance still attached. Deterministic: the same arguments give the same file.
 * Serials run from `serialOffset + 1`, so the events can follow others of the same frame.
 * `bundlesAsValues`: bundles go as the agent sends plain objects (docs/protocol.md, "Bundles as
 * values"), else as JSON texts (the same texts, as agents before that sent them).
 */
export function benchRecording(instances: number, events: number, seconds: number, serialOffset = 0, bundlesAsValues = false): Recording {
  let seed = 42;
  const random = (): number => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const step = (seconds * 1_000) / instances;
  /** Detach and destroy events due at each step: [op, serial] pairs. */
  const due: number[][] = Array.from({ length: instances }, () => []);
  const gone = new Uint8Array(instances + 1);
  let ended = 0;
  for (let i = 0; i < instances; i++) {
    const kind = i % 10;
    if (kind >= 8) continue;
    const at = Math.min(instances - 1, i + 1 + Math.floor(random() * (instances / 3)));
    due[at]!.push(kind < 3 ? Op.detached : Op.destroyed, i + 1);
    ended++;
  }
  const updates = events - instances - ended;
  if (updates < 0) throw new Error('too few events for the instances');

  let clock = START;
  const encoder = new BatchEncoder(() => clock, 1);
  const messages: AgentMessage[] = [
    { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'hello', session: 'bench', frame: 'top', agent: '0.1.0', url: 'http://bench.test/', time: START },
  ];
  let seq = 0;
  const add = (op: Op, serial: number, bundle?: { state: string; n: number }): void => {
    const type = TYPES[serial % TYPES.length]!;
    const from = encoder.values.length;
    const shape = bundlesAsValues && bundle !== undefined ? toBundleValues(bundle, encoder.values) : undefined;
    if (shape !== undefined) encoder.addShaped(op, serial + serialOffset, type, shape, from);
    else encoder.add(op, serial + serialOffset, type, bundle === undefined ? undefined : JSON.stringify(bundle));
    if (encoder.size === BATCH) messages.push(encoder.take('bench', 'top', ++seq, 0)!);
  };
  for (let i = 0; i < instances; i++) {
    clock = START + i * step;
    const events = due[i]!;
    for (let k = 0; k < events.length; k += 2) {
      gone[events[k + 1]!] = 1;
      add(events[k]! as Op, events[k + 1]!);
    }
    const serial = i + 1;
    add(Op.attached, serial, { state: 'new', n: i % 50 });
    const count = Math.floor(((i + 1) * updates) / instances) - Math.floor((i * updates) / instances);
    for (let u = 0; u < count; u++) {
      let target = serial - Math.floor(random() * Math.min(RECENT, serial));
      if (gone[target] === 1) target = serial;
      add(Op.updated, target, { state: `s${u % 7}`, n: (i + u) % 50 });
    }
  }
  const last = encoder.take('bench', 'top', ++seq, 0);
  if (last !== null) messages.push(last);
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: new Date(START).toISOString(),
    tool: 'trackables/panel bench',
    sessions: [{ session: 'bench', frame: 'top', url: 'http://bench.test/', startedAt: START, messages }],
  };
}
