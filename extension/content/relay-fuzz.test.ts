import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  AGENT_SOURCE,
  MAX_EVENTS_PER_BATCH,
  MAX_ID_LENGTH,
  MAX_OPS_LENGTH,
  MAX_STRINGS_PER_BATCH,
  PROTOCOL_VERSION,
  READS_ARRAY_VALUES,
  READS_REPEATS,
  RELAY_SOURCE,
} from '../../agent/protocol/messages.js';
import { encodeOps } from '../../agent/protocol/encode.js';
import { checkAgentMessage, checkPageToWorker } from '../../agent/protocol/validate.js';
import { foldOps, unfoldMessage } from '../ops-runs.js';
import type { PortLike } from '../port.js';
import { PageRelay } from './page-relay.js';

/*
 * 100,000 random and mutated envelopes through the validator and the content script's relay.
 * The expected outcome of each comes from `reference` below, a plain restatement of
 * docs/protocol.md written apart from the valibot schemas, so the two check each other.
 * Fixed seed: a failure prints a counterexample that reproduces.
 */

// FUZZ_RUNS=1000000 for a longer hunt; the suite runs 100,000 (7–14 s here).
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const SEED = 20261124;

/**
 * `valid`: checkAgentMessage accepts it (the worker's check); `relayable`: the content script's
 * lighter check accepts it (of ops only the characters, the worker walks the events).
 */
/** `newerKind`: a valid envelope of a kind this build does not know (a newer minor agent's): ignored, uncounted. */
type Outcome = { tagged: boolean; valid: boolean; relayable: boolean; serializable: boolean; newerKind: boolean };

const isId = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH;
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

/**
 * Whether `message` is a valid agent message, reading it as any code would (getters run); with
 * `walkOps` false, as the content script checks it.
 */
function referenceValid(message: unknown, walkOps: boolean): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (m['source'] !== AGENT_SOURCE || m['v'] !== PROTOCOL_VERSION || !isId(m['session']) || !isId(m['frame'])) return false;
  const kind = m['kind'];
  let known: boolean;
  if (kind === 'hello') {
    known = typeof m['agent'] === 'string' && typeof m['url'] === 'string' && Number.isFinite(m['time']);
  } else if (kind === 'batch') {
    const { seq, t0, dropped, events, strings, ops } = m;
    known =
      Number.isInteger(seq) &&
      (seq as number) >= 1 &&
      Number.isFinite(t0) &&
      isCount(dropped) &&
      isCount(events) &&
      (events as number) <= MAX_EVENTS_PER_BATCH &&
      referenceStrings(strings) &&
      (walkOps ? referenceOps(ops, events as number, strings.length) : referenceDigits(ops));
  } else {
    return false;
  }
  // Extra fields are allowed whatever they hold, but they are read, and reading may throw.
  for (const key of Object.keys(m)) void m[key];
  return known;
}

function referenceStrings(strings: unknown): strings is unknown[] {
  if (!Array.isArray(strings) || strings.length > MAX_STRINGS_PER_BATCH) return false;
  for (let i = 0; i < strings.length; i++) if (typeof strings[i] !== 'string') return false;
  return true;
}

/**
 * The ops rules of docs/protocol.md, read another way than the validator: a regular expression
 * splits the numbers, BigInt reads the long ones exactly.
 */
function referenceDigits(ops: unknown): boolean {
  return typeof ops === 'string' && ops.length <= MAX_OPS_LENGTH && [...ops].every((c) => c === '!' || (c >= '#' && c <= 'B') || (c >= ']' && c <= '|'));
}

function referenceOps(ops: unknown, events: number, strings: number): boolean {
  if (typeof ops !== 'string' || ops.length > MAX_OPS_LENGTH) return false;
  // The few huge inputs recur in thousands of runs, and this slow reading would dominate them.
  if (ops.length < 10_000) return readOps(ops, events, strings);
  const key = `${events} ${strings}`;
  const known = hugeOpsCache.get(ops) ?? new Map<string, boolean>();
  hugeOpsCache.set(ops, known);
  if (!known.has(key)) known.set(key, readOps(ops, events, strings));
  return known.get(key)!;
}

const hugeOpsCache = new Map<string, Map<string, boolean>>();

function readOps(ops: string, events: number, strings: number): boolean {
  // Numbers, and `!` where an event would start: a repeat, whose period P and count N follow
  // (N more events, each a copy of the event P before it).
  const tokens = ops.match(/!|[\]-|]*[#-B]/g) ?? [];
  if (tokens.join('') !== ops) return false;
  const numbers: number[] = [];
  for (const token of tokens) {
    if (token === '!') {
      numbers.push(-1);
      continue;
    }
    let value = 0n;
    for (let i = 0; i < token.length; i++) value = value * 32n + BigInt(token.charCodeAt(i) - (i === token.length - 1 ? 0x23 : 0x5d));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    numbers.push(Number(value));
  }
  const values: number[] = [];
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] !== -1) {
      values.push(numbers[i]!);
      continue;
    }
    const [period, count] = [numbers[i + 1], numbers[i + 2]];
    i += 2;
    if (values.length % 4 !== 0 || period === undefined || count === undefined || period === -1 || count === -1) return false;
    if (period < 1 || period > 8 || period > values.length / 4 || count < 1 || values.length / 4 + count > events) return false;
    for (let n = 0; n < count; n++) values.push(...values.slice(values.length - period * 4, values.length - period * 4 + 4));
  }
  if (values.length !== events * 4) return false;
  let serial = 0;
  let time = 0;
  for (let i = 0; i < values.length; i += 4) {
    const [head, step, offset, bundle] = [values[i]!, values[i + 1]!, values[i + 2]!, values[i + 3]!];
    if (Math.floor(head / 8) >= strings) return false;
    serial += Math.floor(head / 4) % 2 === 1 ? -step : step;
    time += offset;
    if (serial < 1 || !Number.isSafeInteger(serial) || !Number.isSafeInteger(time)) return false;
    if (bundle > strings) return false;
  }
  return true;
}

function reference(message: unknown): Outcome {
  let tagged = false;
  try {
    tagged = typeof message === 'object' && message !== null && (message as { source?: unknown }).source === AGENT_SOURCE;
  } catch {
    // A Proxy or getter that throws on `source`: not recognisably ours.
  }
  let valid = false;
  let relayable = false;
  let newerKind = false;
  try {
    valid = referenceValid(message, true);
    relayable = valid || referenceValid(message, false);
  } catch {
    // A getter or Proxy that throws: neither check can read it.
  }
  try {
    const m = message as Record<string, unknown>;
    // Its extra fields are read too (and passed on by a newer reader), and reading may throw.
    for (const key of Object.keys(m)) void m[key];
    newerKind =
      tagged && m['v'] === PROTOCOL_VERSION && isId(m['session']) && isId(m['frame']) && typeof m['kind'] === 'string' && m['kind'] !== 'hello' && m['kind'] !== 'batch';
  } catch {
    // Unreadable: not a message of any kind.
  }
  // Only asked of relayable messages: an invalid field may be a 10-million-slot sparse array.
  let serializable = false;
  try {
    serializable = relayable && JSON.stringify(message) !== undefined;
  } catch {
    serializable = false;
  }
  return { tagged, valid, relayable, serializable, newerKind };
}

// Values shared across runs, so the huge ones are built once.
const HUGE_STRING = 'x'.repeat(200_000);
const OPS_OVER_LIMIT = '#'.repeat(MAX_OPS_LENGTH + 1);
// At the event limit, well-formed but for its very last character: the validator must walk all of it.
const OPS_AT_LIMIT = encodeOps(Array.from({ length: MAX_EVENTS_PER_BATCH * 4 }, (_, i) => (i % 4 === 1 ? (i - 1) / 4 + 1 : i % 4 === 3 ? -1 : 0))).ops;
// 5,000 events of a loop: one type, serials 70, 71, … and every 100th event later in time.
const LOOP_OPS = encodeOps(Array.from({ length: 5_000 }, (_, i) => [0, 70 + i, Math.floor(i / 100) * 40, -1]).flat()).ops;
const OPS_BAD_AT_END = `${OPS_AT_LIMIT.slice(0, -1)}"`;
const SPARSE_HUGE: unknown[] = new Array(10_000_000);
const STRINGS_OVER_LIMIT: string[] = new Array<string>(MAX_STRINGS_PER_BATCH + 1).fill('T');

/** Proxies this file made, known so that building inputs never reads through one. */
const proxies = new WeakSet<object>();
const isProxy = (value: object): boolean => proxies.has(value);

function throwingProxy(): object {
  const boom = (): never => {
    throw new Error('trap');
  };
  const proxy = new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom, defineProperty: boom, set: boom });
  proxies.add(proxy);
  return proxy;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  proxies.add(proxy);
  return proxy;
}

function cyclic(): object {
  const node: Record<string, unknown> = { name: 'node' };
  node['self'] = node;
  return node;
}

/**
 * A value built only when used: fast-check looks into every generated value (`cloneMethod in
 * value`), which a throwing or revoked Proxy would answer with an exception of its own.
 */
class Lazy {
  constructor(readonly make: () => unknown) {}
}

const built = (value: unknown): unknown => (value instanceof Lazy ? value.make() : value);

/** Field values chosen to break things: wrong types, edge numbers, huge, cyclic, hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
  fc.constantFrom<unknown>(
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    -0,
    0.5,
    2 ** 31,
    2 ** 53,
    '',
    'x'.repeat(MAX_ID_LENGTH + 1),
    HUGE_STRING,
    10n,
    Symbol('s'),
    [],
    new Uint8Array(4),
    new WeakMap(),
    Object.freeze({ frozen: true }),
  ),
  fc.constant(new Lazy(throwingProxy)),
  fc.constant(new Lazy(revokedProxy)),
  fc.constant(null).map(cyclic),
  fc.constant(null).map(() => () => 'a function'),
);

const id = fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const envelope = { source: fc.constant(AGENT_SOURCE), v: fc.constant(PROTOCOL_VERSION), session: id, frame: id };

const validHello = fc.record({ ...envelope, kind: fc.constant('hello'), agent: fc.string(), url: fc.webUrl(), time: finite });

const validBatch = fc
  .record({
    ...envelope,
    kind: fc.constant('batch'),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    t0: finite,
    dropped: fc.nat(),
    strings: fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 4 }),
    events: fc.array(
      fc.record({
        type: fc.nat(),
        op: fc.integer({ min: 0, max: 3 }),
        serial: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        offset: fc.nat(),
        bundle: fc.option(fc.nat(), { nil: -1 }),
        // Copies of the event by the same steps: runs that become repeats when `repeats` is on.
        copies: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 6 },
    ),
    repeats: fc.boolean(),
    loop: fc.record({ period: fc.integer({ min: 1, max: 8 }), count: fc.integer({ min: 0, max: 20 }) }),
  })
  .map(({ events, repeats, loop, ...rest }) => {
    const n = rest.strings.length;
    let time = 0;
    let serial = 0;
    const numbers: number[] = [];
    for (const e of events) {
      const step = e.serial - serial;
      const head = (e.type % n) * 4 + e.op;
      const bundle = e.bundle === -1 ? -1 : e.bundle % n;
      time += e.offset;
      numbers.push(head, (serial = e.serial), time, bundle);
      for (let c = 0; c < e.copies && Number.isSafeInteger(serial + step) && serial + step >= 1 && Number.isSafeInteger(time + e.offset); c++) {
        numbers.push(head, (serial += step), (time += e.offset), bundle);
      }
    }
    // A loop of a few events in turn: the last `period` events again, by the same steps.
    for (let n = 0; n < loop.count && numbers.length >= loop.period * 4; n++) {
      const from = numbers.length - loop.period * 4;
      const previous = from === 0 ? 0 : numbers[from - 3]!;
      const [head, copied, at, bundle] = numbers.slice(from, from + 4) as [number, number, number, number];
      const step = copied - previous;
      const timeStep = at - (from === 0 ? 0 : numbers[from - 2]!);
      if (!Number.isSafeInteger(serial + step) || serial + step < 1 || !Number.isSafeInteger(time + timeStep)) break;
      numbers.push(head, (serial += step), (time += timeStep), bundle);
    }
    return { ...rest, ...encodeOps(numbers, { repeats }) };
  });

const KNOWN_KEYS = ['source', 'v', 'session', 'frame', 'kind', 'agent', 'url', 'time', 'seq', 't0', 'dropped', 'events', 'strings', 'ops'];
const key = fc.constantFrom(...KNOWN_KEYS, 'extra', 'newerField');

const mutation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: hostileValue }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('extra' as const), value: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('slot' as const), array: fc.constantFrom('ops', 'strings'), index: fc.integer({ min: -1, max: 30 }), value: fc.oneof(hostileValue, fc.integer({ min: -5, max: 2 ** 33 })) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('char' as const), index: fc.nat(40), code: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0xffff })) }) },
  // Rarer than the rest: each costs milliseconds to walk, and a few hundred prove the point.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), key: fc.constantFrom('ops', 'strings'), which: fc.constantFrom('over', 'bad-at-end', 'sparse') }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('getter' as const), key }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('cycle' as const), key }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('freeze' as const) }) },
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/**
 * A copy that can be changed, made from property descriptors: spreading would run a throwing
 * getter a previous change put there, and a frozen message's copy would stay read-only.
 */
function thaw(message: Record<string, unknown>): Record<string, unknown> {
  const descriptors = Object.getOwnPropertyDescriptors(message);
  for (const descriptor of Object.values(descriptors)) {
    descriptor.configurable = true;
    if (!('get' in descriptor)) descriptor.writable = true;
  }
  return Object.defineProperties({}, descriptors);
}

function isPlainArray(value: unknown): value is unknown[] {
  return typeof value === 'object' && value !== null && !isProxy(value) && Array.isArray(value);
}

/** Sets `key` as a plain data property, replacing a getter an earlier change put there. */
function put(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function mutate(message: Record<string, unknown>, change: Mutation): Record<string, unknown> {
  const copy = thaw(message);
  switch (change.kind) {
    case 'set':
      return put(copy, change.key, built(change.value));
    case 'extra':
      return put(copy, 'extra', change.value);
    case 'delete':
      delete copy[change.key];
      return copy;
    case 'slot': {
      // The descriptor, not a read: a getter an earlier change put there would throw. Only
      // plain arrays get a slot changed (a revoked Proxy throws even on Array.isArray).
      const array: unknown = Object.getOwnPropertyDescriptor(copy, change.array)?.value;
      if (!isPlainArray(array) || array.length > 1_000) return copy;
      const changed = [...array];
      changed[change.index < 0 ? array.length : change.index] = built(change.value);
      return put(copy, change.array, changed);
    }
    case 'char': {
      // One character of ops replaced (or appended): the digits' boundaries are the likely bugs.
      const ops: unknown = Object.getOwnPropertyDescriptor(copy, 'ops')?.value;
      if (typeof ops !== 'string') return copy;
      const at = Math.min(change.index, ops.length);
      return put(copy, 'ops', ops.slice(0, at) + String.fromCharCode(change.code) + ops.slice(at + 1));
    }
    case 'huge':
      // On a batch, where the field is checked: as a hello's extra field it would be valid and
      // serialized whole, 2 s a time for the sparse one, with nothing more to learn.
      return put(
        // The announced count matches, so the validator has to walk all of a huge ops.
        put(put(copy, 'kind', 'batch'), 'events', MAX_EVENTS_PER_BATCH),
        change.key,
        change.which === 'sparse' ? SPARSE_HUGE : change.key === 'strings' ? STRINGS_OVER_LIMIT : change.which === 'over' ? OPS_OVER_LIMIT : OPS_BAD_AT_END,
      );
    case 'getter':
      return Object.defineProperty(copy, change.key, {
        enumerable: true,
        configurable: true,
        get() {
          throw new Error(`getter ${change.key}`);
        },
      });
    case 'cycle':
      return put(copy, change.key, copy);
    case 'freeze':
      return Object.freeze(copy);
  }
}

/** What reaches the relay's window listener: mostly valid or mutated envelopes, some anything at all. */
const envelopeInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(validHello, validBatch) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.oneof(validHello, validBatch), fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([message, changes]) => changes.reduce<Record<string, unknown>>(mutate, message)),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      hostileValue,
      fc.oneof(validHello, validBatch).map((message) => new Proxy(message, {})),
      fc.oneof(validHello, validBatch).map((message) => [message]),
    ),
  },
);

/**
 * A page port as Chrome's behaves where it matters: the message must survive JSON (Chrome
 * serializes port messages and throws "Could not serialize message" otherwise); `raw` keeps
 * what the relay handed over, to check identity.
 */
class RecordingPort implements PortLike {
  readonly name = 'trackables-page';
  readonly raw: unknown[] = [];
  readonly received: unknown[] = [];
  readonly onMessage = { addListener: (): void => {} };
  readonly onDisconnect = { addListener: (): void => {} };
  postMessage(message: unknown): void {
    const text = JSON.stringify(message);
    this.raw.push(message);
    this.received.push(JSON.parse(text));
  }
  disconnect(): void {}
}

const READY = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'ready', reads: [READS_REPEATS, READS_ARRAY_VALUES] };
const INVALID_NOTICE = { source: RELAY_SOURCE, v: PROTOCOL_VERSION, kind: 'relay-dropped', messages: 0, events: 0, invalid: 1 };

test(`fuzz: ${RUNS.toLocaleString('en')} random and mutated envelopes through the validator and the relay`, (t) => {
  const self = { name: 'window' };
  const seen = { delivered: 0, workerDropped: 0, invalid: 0, ignored: 0, newerKind: 0, folded: 0 };
  fc.assert(
    fc.property(envelopeInput, (input) => {
      const message = built(input);
      const expected = reference(message);

      // The validator: never throws; accepts exactly the valid ones, as the same object.
      const checked = checkAgentMessage(message);
      assert.equal(checked.ok, expected.valid, checked.ok ? 'accepted an invalid message' : `rejected a valid one: ${checked.reason}`);
      if (checked.ok) assert.equal(checked.message, message);
      else assert.ok(checked.reason.length > 0);

      // The relay, fresh for each envelope so its outcome is this envelope's alone.
      const ports: RecordingPort[] = [];
      const toPage: unknown[] = [];
      let detached = false;
      const relay = new PageRelay({
        self,
        postToPage: (ready) => void toPage.push(ready),
        connect: () => {
          const port = new RecordingPort();
          ports.push(port);
          return port;
        },
        detach: () => void (detached = true),
        schedule: () => {},
      });
      relay.onWindowMessage(self, message);
      assert.equal(detached, false, 'a message never detaches the relay');
      const raw = ports.flatMap((port) => port.raw);
      const received = ports.flatMap((port) => port.received);

      if (!expected.tagged) {
        // Not Trackables' at all (no source tag, or unreadable): ignored, not even a port opened.
        seen.ignored++;
        assert.equal(ports.length, 0);
        assert.deepEqual(toPage, []);
      } else if (expected.relayable && expected.serializable) {
        // Delivered unchanged: the very object, once, or a batch whose ops repeat, folded for the
        // port and unfolded by the worker to the same; the worker accepts exactly the valid ones
        // (it drops and counts the rest, as the content script would have).
        if (expected.valid) seen.delivered++;
        else seen.workerDropped++;
        assert.equal(ports.length, 1);
        assert.equal(raw.length, 1);
        if (raw[0] !== message) {
          seen.folded++;
          assert.equal(foldOps((message as { ops: string }).ops) === null, false, 'only a batch with a run is sent other than as it came');
        }
        const atWorker = unfoldMessage(received[0]);
        assert.deepEqual(atWorker, JSON.parse(JSON.stringify(message)));
        assert.equal(checkPageToWorker(atWorker).ok, expected.valid, 'the worker accepts exactly the valid messages the relay delivered');
        assert.deepEqual(toPage, (message as { kind: string }).kind === 'hello' ? [READY] : []);
      } else if (expected.newerKind) {
        // A kind only a newer minor version of the agent sends: not relayed, not counted.
        seen.newerKind++;
        assert.deepEqual(received, []);
        assert.deepEqual(toPage, []);
      } else {
        // Dropped and counted: one notice with invalid: 1 reaches the worker, nothing else.
        seen.invalid++;
        assert.deepEqual(received, [INVALID_NOTICE]);
        assert.deepEqual(toPage, []);
      }
    }),
    {
      seed: SEED,
      numRuns: RUNS,
      // Hand-picked cases the random ones might miss: a batch at the event limit, and the
      // structured-clone-able values a page can put in an extra field that JSON cannot carry.
      examples: [
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: MAX_EVENTS_PER_BATCH, strings: ['T'], ops: OPS_AT_LIMIT }],
        // A loop's batch, sent folded (ops-runs.ts); the same with a wrong count, folded and refused by the worker.
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: 5_000, strings: ['T'], ops: LOOP_OPS }],
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: 4_999, strings: ['T'], ops: LOOP_OPS }],
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'hello', session: 's', frame: 'f', agent: '1', url: '', time: 0, extra: 1n }],
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: 0, strings: [], ops: '', extra: cyclic() }],
        [{ source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'heap-summary', session: 's', frame: 'f', counts: { Widget: 3 } }],
      ],
    },
  );
  t.diagnostic(
    `delivered ${seen.delivered}, delivered and dropped by the worker ${seen.workerDropped}, dropped and counted ${seen.invalid}, ignored (not tagged) ${seen.ignored}, ignored (newer kind) ${seen.newerKind}; sent folded ${seen.folded}`,
  );
  // Each branch was taken often enough to mean something; digits that read as no event are rarer.
  for (const [branch, count] of Object.entries(seen)) {
    // Random envelopes rarely come out valid but for an unknown kind (~1 in 5,000).
    const least = branch === 'folded' ? 2 : branch === 'newerKind' ? RUNS / 10_000 : branch === 'workerDropped' ? RUNS / 500 : RUNS / 20;
    assert.ok(count > least, `${branch}: only ${count} of ${RUNS} runs`);
  }
});
