import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseShape, shapeText, shapeWidths, type BundleValue } from '../protocol/bundle-preview.js';
import { decodeBatch, forEachEventLazily, textAt, ValuesBundle, type BundleRef } from '../protocol/decode.js';
import { BatchEncoder, encodeOps } from '../protocol/encode.js';
import { AGENT_SOURCE, Op, PROTOCOL_VERSION, type AgentBatch } from '../protocol/messages.js';
import { checkAgentMessage, checkAgentMessageToRelay } from '../protocol/validate.js';
import { MAX_SHAPE_ARRAY_LENGTH, MAX_VALUES_PER_BATCH } from '../protocol/wire.js';
import { toBundleJson, toBundleValues, type BundleLimits } from './sanitize.js';

/**
 * One event per value, each sent as values when it can be, as the PostMessageTracker does, with
 * arrays as values (a reader that reads them) or not; the batch.
 */
function batchOf(bundles: readonly unknown[], limits?: BundleLimits, arrayValues = true): { batch: AgentBatch; shaped: boolean[] } {
  const encoder = new BatchEncoder(() => 1_700_000_000_000);
  const shaped = bundles.map((bundle, i) => {
    const from = encoder.values.length;
    const shape = toBundleValues(bundle, encoder.values, limits, arrayValues);
    if (shape === undefined) {
      assert.equal(encoder.values.length, from, 'a bundle sent as text leaves no values behind');
      encoder.add(Op.updated, i + 1, 'T', toBundleJson(bundle, limits));
      return false;
    }
    encoder.addShaped(Op.updated, i + 1, 'T', shape, from);
    return true;
  });
  return { batch: encoder.take('s', 'f', 1, 0)!, shaped };
}

/**
 * What a reader gets: each event's bundle text, after the batch passed the full check; the same
 * whether it builds them at once or lazily, as the panel does.
 */
function readBack(batch: AgentBatch): (string | undefined)[] {
  const checked = checkAgentMessage(structuredClone(batch));
  assert.ok(checked.ok, checked.ok ? '' : checked.reason);
  const texts = decodeBatch(batch).map((event) => event.bundle);
  const lazy: (BundleRef | undefined)[] = [];
  forEachEventLazily(batch, (_op, _serial, _type, _time, bundle) => lazy.push(bundle));
  assert.deepEqual(
    lazy.map((_, i) => textAt(lazy, i)),
    texts,
  );
  return texts;
}

/** Sent as values, with arrays as values and without, each bundle reads back as toBundleJson's text; whether each went as values. */
function assertSameAsText(bundles: readonly unknown[], limits?: BundleLimits): boolean[] {
  const expected = bundles.map((bundle) => toBundleJson(bundle, limits));
  const withoutArrays = batchOf(bundles, limits, false);
  assert.deepEqual(readBack(withoutArrays.batch), expected);
  const { batch, shaped } = batchOf(bundles, limits);
  assert.deepEqual(readBack(batch), expected);
  assert.deepEqual(shaped, withoutArrays.shaped);
  return shaped;
}

describe('bundles sent as values', () => {
  it('rebuild exactly the text toBundleJson makes, for plain objects of primitives', () => {
    const shaped = assertSameAsText([
      { id: 1, name: 'user', active: true, ratio: 0.25, none: null },
      { id: 2, name: 'quote " backslash \\ newline \n', active: false, ratio: -1e300, none: null },
      { big: 1e21, small: 5e-324, negative: -3, unicode: 'é漢😀', lone: '\ud800' },
      Object.assign(Object.create(null) as object, { created: 'without a prototype' }),
    ]);
    assert.deepEqual(shaped, [true, true, true, true]);
  });

  it('rebuild each short array while a field takes turns among lists, changes every event, or changes length', () => {
    let state = 5;
    const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    // Lists that share prefixes and lengths, so a text kept for one must not serve another.
    const pool: unknown[][] = [['a', 'b'], ['a', 'c'], ['a'], ['a', 'b', 'c'], [1, 2], ['1', 2], [true, null], []];
    const bundles: unknown[] = [];
    for (let i = 0; i < 3_000; i++) {
      // Stretches of turns among a few lists, of new lists every event, and of one list again.
      const phase = Math.floor(i / 200) % 3;
      const list = phase === 0 ? pool[Math.floor(random() * 3) + (i % 2) * 3]! : phase === 1 ? [i, `n${i % 7}`, random() < 0.5] : pool[i % pool.length]!;
      bundles.push({ id: i, tags: [...list] });
    }
    assert.ok(assertSameAsText(bundles).every(Boolean));
  });

  it('never take a prototype’s value for a key a Proxy trap deleted in the middle of the walk', () => {
    const bundle: Record<string, unknown> = {};
    bundle.tags = new Proxy(['a', 'b'], {
      get: (target, key) => {
        if (key === '0') delete bundle.name;
        return Reflect.get(target, key) as unknown;
      },
    });
    bundle.name = 'kept';
    Object.defineProperty(Object.prototype, 'name', { value: 'from the prototype', configurable: true, writable: true });
    try {
      const { batch } = batchOf([bundle]);
      const [text] = readBack(batch);
      assert.ok(!text!.includes('from the prototype'), text);
      assert.deepEqual(JSON.parse(text!), { tags: ['a', 'b'] });
    } finally {
      delete (Object.prototype as Record<string, unknown>).name;
    }
  });

  it('carry what needs a preview (nested data, placeholders, cut strings) as that preview’s text', () => {
    const getter = {
      plain: 1,
      get hidden(): number {
        throw new Error('never invoked');
      },
    };
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    cycle.list = [cycle, { back: cycle }];
    const shaped = assertSameAsText([
      { tags: ['a', 'b'], nested: { deep: [1, { x: 2 }] }, when: new Date(0), map: new Map([[1, 'one']]) },
      { nan: NaN, infinite: Infinity, negativeZero: -0, undef: undefined, fn: () => 1, sym: Symbol('s'), big: 12n },
      getter,
      cycle,
      { '\u0000': 'forged placeholder', text: 'fake' },
      { marker: '\u0000{"\\u0000":"cycle","text":"forged"}', plain: '\u0000' },
      { long: 'x'.repeat(5_000) },
    ]);
    assert.deepEqual(shaped, [true, true, true, true, true, true, true]);
  });

  it('carry arrays as their preview text, read as the text path reads them', () => {
    const withGetter = [1, 2];
    Object.defineProperty(withGetter, 1, {
      get: () => {
        throw new Error('never invoked');
      },
      enumerable: true,
    });
    const looped: unknown[] = ['x'];
    looped.push(looped, { up: looped });
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 3];
    const undefinedElement = [undefined];
    const { batch, shaped } = batchOf([{ tags: ['a', 'b'], n: 1 }], undefined, false);
    assert.deepEqual(shaped, [true]);
    assert.deepEqual(batch.values, ['\u0000["a","b"]', 1]);
    assert.equal(parseShape(batch.strings[1]!)?.lengths, undefined, 'no lengths for a reader that does not read them');
    assert.deepEqual(
      assertSameAsText([
        { tags: ['a', 'b'], empty: [], mixed: [1, null, true, 'x', -0, NaN, undefined, 10n, { o: [1] }, [2, [3]]] },
        { withGetter, looped, holes, undefinedElement },
        { marks: ['\u0001' + '3', '\u0000{}', 'plain'] },
        { long: ['y'.repeat(2_000)] },
        { many: Array.from({ length: 150 }, (_, i) => i) },
      ]),
      [true, true, true, true, true],
    );
  });

  it('carry short arrays of primitives as values, the shape saying each array’s length', () => {
    const bundles = [
      { tags: ['a', 'b'] },
      { tags: ['a', 'b'] },
      { tags: ['a', 'c'] },
      { tags: ['a', 'c', 'd'] },
      { tags: ['a'] },
      { tags: [] },
      { tags: [] },
      { n: [0, 1.5, -2, 1e21, 5e-324] },
      { n: [-0, 1.5, -2, 1e21, 5e-324] },
      { n: [0, NaN] },
      { n: [Infinity] },
      { mixed: [true, false, null, 'x'] },
      { mixed: [true, false, null, 'x'] },
      { escapes: ['quote "', 'back \\', 'new\nline', '\u0000{}', '\ud800', 'é漢😀'] },
      { lengths: ['x'.repeat(32), 'y'.repeat(33)] },
      { lengths: ['x'.repeat(32)] },
      { sixteen: Array.from({ length: 16 }, (_, i) => i), seventeen: Array.from({ length: 17 }, (_, i) => i) },
      { tags: ['a', 'b'], roles: ['r'] },
      { tags: ['a', 'b'], roles: ['s'] },
      { roles: ['a', 'b'], tags: ['r'] },
      { tags: ['a', 'b'], roles: ['r'] },
      { undefinedElement: [1, undefined], nested: [1, [2]], object: [{}], sym: [Symbol('s')], big: [1n], fn: [() => 1] },
    ];
    assert.deepEqual(assertSameAsText(bundles), bundles.map(() => true));
    const { batch } = batchOf([{ tags: ['a', 'b'], n: 1 }, { tags: ['c', 'd'], n: 2 }, { tags: [], n: 3 }, { tags: ['e'], n: '\u0000' }, { tags: [true, null, 1.5], n: 4 }]);
    assert.deepEqual(batch.values, ['a', 'b', 1, 'c', 'd', 2, 3, 'e', '\u0000"\\u0000"', true, null, 1.5, 4]);
    // One shape text per set of lengths, kept: bundles of one kind and one length share it.
    assert.deepEqual(batch.strings, ['T', shapeText(['tags', 'n'], [2, null]), shapeText(['tags', 'n'], [0, null]), shapeText(['tags', 'n'], [1, null]), shapeText(['tags', 'n'], [3, null])]);
    // Elements that would be read as a mark, or that the walk shows otherwise, send the array as its text.
    const marked = batchOf([{ tags: ['\u0000{}', 'b'] }, { tags: ['x'.repeat(1_001)] }, { tags: Array.from({ length: 17 }, (_, i) => i) }]);
    assert.deepEqual(marked.batch.values!.slice(0, 1), ['\u0000["\\u0000{}","b"]']);
    assert.deepEqual(marked.batch.strings.slice(1), [shapeText(['tags'])]);
  });

  it('read short arrays as the walk does: getters never run, holes and Proxies as the text shows them', () => {
    let invoked = 0;
    const withGetter = ['a', 'b'];
    Object.defineProperty(withGetter, 0, { get: () => ++invoked, enumerable: true });
    const setterOnly = ['a', 'b'];
    Object.defineProperty(setterOnly, 1, { set: () => undefined, enumerable: true });
    // eslint-disable-next-line no-sparse-arrays
    const hole = ['a', , 'c'];
    const revoked = Proxy.revocable(['a'], {});
    revoked.revoke();
    let reads = 0;
    const counting = new Proxy(['a', 'b'], {
      get: (target, key, receiver) => {
        if (key !== 'length') reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const throwsOnSecond = new Proxy(['a', 'b'], {
      getOwnPropertyDescriptor: (target, key) => {
        if (key === '1') throw new Error('trap');
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    const lengths = [NaN, -1, 1.5, 2 ** 32, '2', undefined].map((length) => new Proxy(['a', 'b'], { get: (target, key) => (key === 'length' ? length : (Reflect.get(target, key) as unknown)) }));
    // A getter up the prototype chain for an index the array has as data is not the array's; for a hole it is not read either.
    const prototype = Object.create(Array.prototype) as object;
    Object.defineProperty(prototype, 0, { get: () => ++invoked });
    Object.defineProperty(prototype, 1, { value: 'inherited' });
    const own = Object.setPrototypeOf(['a', 'b'], prototype) as unknown[];
    // eslint-disable-next-line no-sparse-arrays
    const inheritedHoles = Object.setPrototypeOf([, , 'c'], prototype) as unknown[];
    // eslint-disable-next-line no-sparse-arrays
    const inheritedDataHole = Object.setPrototypeOf(['a', , 'c'], prototype) as unknown[];
    assertSameAsText([{ withGetter, setterOnly, hole }, { revoked: revoked.proxy }, { throwsOnSecond }, ...lengths.map((length) => ({ length })), { own, inheritedHoles, inheritedDataHole }]);
    assert.equal(invoked, 0);
    assert.match(toBundleJson({ inheritedDataHole })!, /"empty"/);
    reads = 0;
    const text = toBundleJson({ counting });
    const textReads = reads;
    reads = 0;
    assert.deepEqual(readBack(batchOf([{ counting }]).batch), [text]);
    assert.equal(reads, textReads, 'as many reads as the walk makes');
  });

  it('keep short arrays to the limits exactly as the text does', () => {
    const value = { a: 'abc', t: ['de', 'fgh', 'ij'], z: 1 };
    // A Proxy's length of 1.5 walks two elements: the count of nodes must say two.
    const fractional = new Proxy(['a', 'b'], { get: (target, key) => (key === 'length' ? 1.5 : (Reflect.get(target, key) as unknown)) });
    const limits: BundleLimits[] = [{ maxDepth: 1 }, { maxDepth: 2 }, { maxEntries: 2 }, { maxEntries: 3 }, { maxStringLength: 2 }, { maxStringLength: 3 }];
    for (let n = 1; n <= 7; n++) limits.push({ maxNodes: n });
    for (let c = 1; c <= 14; c++) limits.push({ maxChars: c });
    for (const limit of limits) assertSameAsText([value, value, { t: ['de', 'fgh', 'ij'] }, { f: fractional, y: 1, z: 2 }], limit);
  });

  it('keep each bundle’s lengths when a Proxy trap previews a bundle of the same shape in the middle of one', () => {
    const inner = { tags: ['x', 'y', 'z'], more: [1] };
    let innerShape: string | undefined;
    const reentrant = new Proxy(['a', 'b'], {
      get: (target, key, receiver) => {
        if (key === '1') innerShape = toBundleValues(inner, [], undefined, true);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const bundles = [{ tags: ['x', 'y'], more: [] }, { tags: reentrant, more: [2, 3] }, { tags: ['a', 'b'], more: [2, 3] }];
    const { batch } = batchOf(bundles);
    assert.equal(innerShape, shapeText(['tags', 'more'], [3, 1]));
    assert.deepEqual(batch.values, ['x', 'y', 'a', 'b', 2, 3, 'a', 'b', 2, 3]);
    assert.deepEqual(readBack(batch), bundles.map((bundle) => toBundleJson(bundle)));
  });

  it('match the text for bundles of short arrays, repeated or not (property test)', () => {
    const primitive = fc.oneof(fc.string({ maxLength: 40 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0));
    const list = fc.array(primitive, { maxLength: 18 });
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.integer(), tags: list, other: list }), { minLength: 1, maxLength: 6 }), fc.boolean(), (bundles, repeat) => {
        assertSameAsText(repeat ? bundles.flatMap((bundle) => [bundle, { ...bundle, tags: [...bundle.tags] }]) : bundles);
      }),
      { numRuns: 300 },
    );
  });

  it('leave to the text path what they cannot rebuild, appending nothing', () => {
    class Instance {
      a = 1;
    }
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const claimsKeys = new Proxy({ a: 1 }, { ownKeys: () => ['a', 'gone'], getOwnPropertyDescriptor: (target, key) => Reflect.getOwnPropertyDescriptor(target, key) ?? { value: 0, enumerable: true, configurable: true } });
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    const shaped = assertSameAsText([[1, 2], 'text', 7, null, {}, new Instance(), revoked.proxy, throwing, many, new Map()]);
    assert.deepEqual(shaped, [false, false, false, false, false, false, false, false, false, false]);
    // A Proxy that claims keys it has (with descriptors for them) is read like any object.
    assert.deepEqual(assertSameAsText([claimsKeys]), [true]);
  });

  it('keep to the limits exactly as the text does', () => {
    const value = { a: 'abcdef', b: [1, 2, 3, 4], c: { d: { e: 1 } }, long: 'z'.repeat(40) };
    for (const limits of [
      { maxStringLength: 3 },
      { maxEntries: 2 },
      { maxEntries: 3 },
      { maxNodes: 3 },
      { maxNodes: 6 },
      { maxChars: 8 },
      { maxChars: 20 },
      { maxDepth: 0 },
      { maxDepth: 1 },
      { maxDepth: 2 },
    ] satisfies BundleLimits[]) {
      assertSameAsText([value, { x: 1 }], limits);
    }
  });

  it('match the text for any JSON-like object (property test)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 }), { minLength: 1, maxLength: 5 }), (bundles) => {
        assertSameAsText(bundles);
      }),
      { numRuns: 300 },
    );
  });

  it('share one shape per batch, and each event takes its own values', () => {
    const { batch } = batchOf([{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { b: 'z', a: 3 }]);
    assert.deepEqual(batch.strings, ['T', shapeText(['a', 'b']), shapeText(['b', 'a'])]);
    assert.deepEqual(batch.values, [1, 'x', 2, 'y', 'z', 3]);
    assert.deepEqual(parseShape(batch.strings[1]!), { keys: ['a', 'b'], lengths: undefined });
  });

  it('are rejected, with a reason, when a shape’s lengths are malformed or the values do not fill them', () => {
    const { batch } = batchOf([{ tags: ['a', 'b'], n: 1 }]);
    assert.deepEqual(parseShape(batch.strings[1]!), { keys: ['tags', 'n'], lengths: [2, null] });
    const withShape = (lengths: unknown): unknown => ({ ...structuredClone(batch), strings: ['T', JSON.stringify({ ...JSON.parse(batch.strings[1]!), lengths })] });
    // Each makes the event take other than its three values.
    for (const lengths of [[2], [2, null, null], [-1, null], [1.5, null], ['2', null], [MAX_SHAPE_ARRAY_LENGTH + 1, null], [3, null], [1, null], [null, null], {}]) {
      assert.equal(checkAgentMessage(withShape(lengths)).ok, false, JSON.stringify(lengths));
    }
    assert.ok(checkAgentMessage(withShape([1, 2])).ok, 'any lengths that take the values are well formed');
    assert.ok(checkAgentMessage(structuredClone(batch)).ok);
  });

  it('are rejected, with a reason, when the values do not match the events', () => {
    const { batch } = batchOf([{ a: 1 }, { a: 2 }]);
    const cases: [string, (values: unknown[]) => unknown][] = [
      ['one value short', (values) => values.slice(1)],
      ['one value too many', (values) => [...values, 3]],
      ['an object', (values) => [{ a: 1 }, values[1]]],
      ['a non-finite number', () => [NaN, 2]],
      ['an array', () => [['{}'], 2]],
      ['not an array', () => 'values'],
    ];
    for (const [what, change] of cases) {
      const broken = { ...structuredClone(batch), values: change(batch.values as unknown[]) };
      const checked = checkAgentMessage(broken);
      assert.equal(checked.ok, false, what);
    }
    assert.ok(checkAgentMessage(structuredClone(batch)).ok);
  });

  it('decode to JSON texts whenever the full check passes them, whatever shapes, lengths and values a page forges (property test)', () => {
    const key = fc.string({ maxLength: 4 });
    const length = fc.oneof(
      { arbitrary: fc.constant(null), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 4 },
      { arbitrary: fc.constantFrom(-1, MAX_SHAPE_ARRAY_LENGTH + 1, 1.5, '2'), weight: 1 },
    );
    const shape = fc.array(fc.tuple(key, length), { minLength: 0, maxLength: 3 }).map((pairs) => {
      const lengths = pairs.map(([, n]) => n);
      return JSON.stringify({ '\u0000': 'shape', text: 'x', keys: pairs.map(([k]) => k), ...(lengths.some((n) => n !== null) ? { lengths } : {}) });
    });
    const value = fc.oneof(fc.string({ maxLength: 5 }), fc.constant('\u0000{"a":1}'), fc.constant('\u0000{'), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }), fc.infiniteStream(value), fc.integer({ min: -1, max: 1 }), (shapes, bundles, stream, off) => {
        const strings = ['T', ...shapes];
        // As many values as the events take, as shapeWidths counts them, or one fewer or more.
        const widths = shapeWidths(strings);
        const needed = bundles.reduce((sum, bundle) => sum + (bundle >= 1 && bundle <= strings.length ? widths[bundle - 1]! : 0), 0);
        const values = [...stream.take(Math.max(0, needed + off))];
        // Events of type 0 updating serial 1, each pointing at a string (0: no bundle; 1: the type name, a text that is no JSON object).
        const events = bundles.flatMap((bundle) => [Op.updated, 1, 0, bundle <= strings.length ? bundle - 1 : -1]);
        const { ops, events: count } = encodeOps(events);
        const batch = { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: count, strings, ops, values };
        const checked = checkAgentMessage(batch);
        if (!checked.ok) return;
        assert.equal(values.length, needed, 'accepted only with exactly the values the events take');
        // Never throws, and a bundle sent as values is a JSON object whenever its value texts are JSON
        // (one that is not stays what the page forged, as a forged bundle text does: parseBundle says so).
        const forged = values.includes('\u0000{');
        forEachEventLazily(checked.message as AgentBatch, (_op, _serial, _type, _time, bundle) => {
          if (!(bundle instanceof ValuesBundle)) return;
          const text = bundle.text();
          if (!forged) assert.equal(typeof JSON.parse(text), 'object', text);
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('are checked where the content script checks: bounded, and only what a port can carry', () => {
    const { batch } = batchOf([{ a: 1 }]);
    const huge: BundleValue[] = [];
    huge.length = MAX_VALUES_PER_BATCH + 1;
    assert.equal(checkAgentMessageToRelay({ ...batch, values: huge }).ok, false);
    // eslint-disable-next-line no-sparse-arrays
    for (const values of [[1n], [{}], [Infinity], [undefined], [, 1]]) assert.equal(checkAgentMessageToRelay({ ...batch, values }).ok, false, String(values));
    assert.ok(checkAgentMessageToRelay(batch).ok);
  });

  it('show to a reader that predates them as a placeholder that says what it is', () => {
    const { batch } = batchOf([{ a: 1 }]);
    const old = JSON.parse(batch.strings[1]!) as Record<string, unknown>;
    assert.equal(old['\u0000'], 'shape');
    assert.match(String(old.text), /update the Trackables extension/);
  });
});
