import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle, type Preview } from '../protocol/bundle-preview.js';
import { Trackable } from '../trackable.js';
import { toBundleJson, type BundleLimits } from './sanitize.js';

/** The preview of `value`, after checking that the text is valid JSON. */
function preview(value: unknown, limits?: BundleLimits): Preview {
  const json = toBundleJson(value, limits);
  assert.equal(typeof json, 'string');
  JSON.parse(json!);
  return parseBundle(json!);
}

const P = '\u0000';
const ph = (kind: string, text: string, extra: object = {}) => ({ [P]: kind, text, ...extra });

describe('toBundleJson: plain data', () => {
  it('is undefined for no bundle', () => {
    assert.equal(toBundleJson(undefined), undefined);
  });

  it('keeps JSON data as it is', () => {
    const data = { a: 1, b: 'two', c: [true, false, null], d: { e: -1.5e300 }, '': 0 };
    assert.equal(toBundleJson(data), JSON.stringify(data));
    assert.equal(toBundleJson('text'), '"text"');
    assert.equal(toBundleJson(null), 'null');
  });

  it('escapes keys that start with the placeholder marker, so page data cannot forge a placeholder', () => {
    assert.deepEqual(preview({ [P]: 'cycle', text: 'fake' }), { [P + P]: 'cycle', text: 'fake' });
  });

  it('turns what JSON cannot carry into placeholders', () => {
    assert.deepEqual(
      preview([undefined, NaN, Infinity, -Infinity, -0, 12n, Symbol('s'), Symbol(), function named() {}, class Klass {}]),
      [
        ph('undefined', 'undefined'),
        ph('number', 'NaN'),
        ph('number', 'Infinity'),
        ph('number', '-Infinity'),
        ph('number', '-0'),
        ph('bigint', '12n'),
        ph('symbol', 'Symbol(s)'),
        ph('symbol', 'Symbol()'),
        ph('function', 'function named'),
        ph('function', 'function Klass'),
      ],
    );
    assert.deepEqual(preview({ u: undefined }), { u: ph('undefined', 'undefined') });
  });

  it('marks array holes', () => {
    // eslint-disable-next-line no-sparse-arrays
    assert.deepEqual(preview([1, , 3]), [1, ph('undefined', 'empty'), 3]);
  });

  it('skips symbol keys and non-enumerable properties', () => {
    const value = { shown: 1, [Symbol('hidden')]: 2 };
    Object.defineProperty(value, 'hidden', { value: 3, enumerable: false });
    assert.deepEqual(preview(value), { shown: 1 });
  });
});

describe('toBundleJson: objects that must not be walked', () => {
  it('marks cycles, and shows shared (non-cyclic) objects each time', () => {
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    cycle.list = [cycle];
    assert.deepEqual(preview(cycle), { name: 'a', self: ph('cycle', 'circular reference'), list: [ph('cycle', 'circular reference')] });
    const shared = { x: 1 };
    assert.deepEqual(preview([shared, shared]), [{ x: 1 }, { x: 1 }]);
  });

  it('never invokes getters', () => {
    let invoked = 0;
    const value = {
      get throws(): never {
        invoked++;
        throw new Error('getter');
      },
      get works() {
        invoked++;
        return 1;
      },
      set onlySetter(_: number) {
        invoked++;
      },
    };
    assert.deepEqual(preview(value), {
      throws: ph('unreadable', 'getter (not invoked)'),
      works: ph('unreadable', 'getter (not invoked)'),
      onlySetter: ph('unreadable', 'setter without getter'),
    });
    assert.equal(invoked, 0);
  });

  it('makes revoked Proxies and Proxies that throw on every trap unreadable', () => {
    const unreadable = ph('unreadable', 'could not be read (a revoked Proxy, or a getter or Proxy trap threw)');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const everyTrapThrows = new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw new Error('trap');
          },
        },
      ),
    );
    const { proxy: revokedArray, revoke: revokeArray } = Proxy.revocable([], {});
    revokeArray();
    assert.deepEqual(preview(proxy), unreadable);
    assert.deepEqual(preview(everyTrapThrows), unreadable);
    assert.deepEqual(preview({ a: [revokedArray], b: 1 }), { a: [unreadable], b: 1 });
  });

  it('reads a well-behaved Proxy like its target', () => {
    assert.deepEqual(preview(new Proxy({ a: 1, b: [2] }, {})), { a: 1, b: [2] });
  });

  it('describes DOM nodes (duck-typed) as tags', () => {
    class Element {
      nodeType = 1;
      nodeName = 'DIV';
      getAttribute(name: string): string | null {
        return name === 'id' ? 'x' : name === 'class' ? 'y z' : null;
      }
    }
    class Text {
      nodeType = 3;
      nodeName = '#text';
    }
    class Document {
      nodeType = 9;
      nodeName = '#document';
    }
    class Comment {
      nodeType = 8;
      nodeName = '#comment';
    }
    assert.deepEqual(preview([new Element(), new Text(), new Document(), new Comment()]), [
      ph('dom', '<div id="x" class="y z">'),
      ph('dom', '#text'),
      ph('dom', '#document'),
      ph('dom', '#comment'),
    ]);
    // A plain object with the same fields is data, not a node.
    assert.deepEqual(preview({ nodeType: 1, nodeName: 'DIV' }), { nodeType: 1, nodeName: 'DIV' });
  });

  it('shows class instances with their class name and own enumerable data', () => {
    class Point {
      x = 1;
      #secret = 2;
      get sum() {
        return this.x + this.#secret;
      }
    }
    class Point3 extends Point {
      z = 3;
    }
    assert.deepEqual(preview(new Point3()), ph('instance', 'Point3', { value: { x: 1, z: 3 } }));
    assert.deepEqual(preview(Object.create(null)), {});
  });

  it('shows another Trackable as "Type #serial"', () => {
    class Session extends Trackable {
      static override trackingName = 'app.Session';
    }
    class Plain extends Trackable {}
    const session = new Session();
    const plain = new Plain();
    assert.deepEqual(preview({ session, plain }), {
      session: ph('trackable', `app.Session #${session.getTrackerSerial()}`),
      plain: ph('trackable', `Plain #${plain.getTrackerSerial()}`),
    });
  });

  it('describes built-ins', () => {
    class Registry extends Map<string, number> {}
    const buffer = new ArrayBuffer(16);
    assert.deepEqual(
      preview([
        new Map<unknown, unknown>([['k', { v: 1 }], [{ o: 1 }, 2]]),
        new Registry([['a', 1]]),
        new Set([1, 'two']),
        new Date(0),
        new Date(Number.NaN),
        /a+b/gi,
        new TypeError('bad input'),
        new Error(''),
        new Uint8Array([1, 2, 3]),
        new BigInt64Array([5n]),
        buffer,
        new DataView(buffer, 4),
        new WeakMap(),
        new WeakSet(),
        new WeakRef({}),
        Promise.resolve(1),
      ]),
      [
        ph('map', 'Map(2)', { value: [['k', { v: 1 }], [{ o: 1 }, 2]] }),
        ph('map', 'Registry(1)', { value: [['a', 1]] }),
        ph('set', 'Set(2)', { value: [1, 'two'] }),
        ph('date', '1970-01-01T00:00:00.000Z'),
        ph('date', 'Invalid Date'),
        ph('regexp', '/a+b/gi'),
        ph('error', 'TypeError: bad input'),
        ph('error', 'Error'),
        ph('typed-array', 'Uint8Array(3)', { value: [1, 2, 3] }),
        ph('typed-array', 'BigInt64Array(1)', { value: [ph('bigint', '5n')] }),
        ph('opaque', 'ArrayBuffer(16)'),
        ph('opaque', 'DataView(12)'),
        ph('opaque', 'WeakMap'),
        ph('opaque', 'WeakSet'),
        ph('opaque', 'WeakRef'),
        ph('opaque', 'Promise'),
      ],
    );
  });

  it('does not run page overrides of built-in methods', () => {
    const original = Map.prototype.entries;
    Map.prototype.entries = () => {
      throw new Error('override');
    };
    try {
      assert.deepEqual(preview(new Map([[1, 2]])), ph('map', 'Map(1)', { value: [[1, 2]] }));
    } finally {
      Map.prototype.entries = original;
    }
  });
});

describe('toBundleJson: limits', () => {
  it('cuts a 10 MB string before copying it', () => {
    const json = toBundleJson({ big: 'x'.repeat(10_000_000) })!;
    assert.ok(json.length < 1_100, `${json.length} characters`);
    assert.deepEqual(preview({ big: 'x'.repeat(10_000_000) }), { big: ph('string', 'x'.repeat(1_000), { length: 10_000_000 }) });
  });

  it('walks a 10,000-level nesting only maxDepth levels deep', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 10_000; i++) node = (node.next = {}) as Record<string, unknown>;
    const deepArray: unknown[] = [];
    let list = deepArray;
    for (let i = 0; i < 10_000; i++) list.push((list = []));
    assert.deepEqual(preview(root, { maxDepth: 2 }), { next: { next: ph('depth', 'Object') } });
    assert.deepEqual(preview(deepArray, { maxDepth: 1 }), [ph('depth', 'Array(1)')]);
    assert.ok(toBundleJson(root)!.length < 200);
  });

  it('shows maxEntries entries per container and counts the rest', () => {
    const array = Array.from({ length: 250 }, (_, i) => i);
    assert.deepEqual(preview(array, { maxEntries: 3 }), [0, 1, 2, ph('truncated', '247 more', { omitted: 247 })]);
    assert.deepEqual(preview({ a: 1, b: 2, c: 3 }, { maxEntries: 2 }), ph('truncated', '1 more', { omitted: 1, value: { a: 1, b: 2 } }));
    assert.deepEqual(preview(new Set([1, 2, 3]), { maxEntries: 1 }), ph('set', 'Set(3)', { value: [1, ph('truncated', '2 more', { omitted: 2 })] }));
    assert.deepEqual(
      preview(new Uint8Array(1_000_000), { maxEntries: 2 }),
      ph('typed-array', 'Uint8Array(1000000)', { value: [0, 0, ph('truncated', '999998 more', { omitted: 999_998 })] }),
    );
    assert.deepEqual(preview(new Array(1e9), { maxEntries: 0 }), [ph('truncated', '1000000000 more', { omitted: 1e9 })]);
  });

  it('stops at maxNodes values in total', () => {
    const wide = Array.from({ length: 50 }, () => Array.from({ length: 50 }, (_, i) => i));
    const json = toBundleJson(wide, { maxNodes: 100 })!;
    const numbers = json.match(/(?<=[[,])\d+(?=[,\]])/g) ?? [];
    assert.ok(numbers.length <= 100, `${numbers.length} values`);
    JSON.parse(json);
  });

  it('stops at maxChars characters of text in total', () => {
    const strings = Array.from({ length: 100 }, () => 'y'.repeat(900));
    assert.ok(toBundleJson(strings, { maxChars: 5_000 })!.length < 7_000);
  });

  it('keeps every output small whatever the input (size bound with default limits)', () => {
    const hostile = Array.from({ length: 1_000 }, (_, i) => ({ [`k${i}`.repeat(200)]: 'v'.repeat(5_000), n: [[[[[[[[[[1]]]]]]]]]] }));
    const json = toBundleJson(hostile)!;
    JSON.parse(json);
    assert.ok(json.length < 40_000, `${json.length} characters`);
  });

  it('describes a huge BigInt by its size without converting it to decimal', () => {
    const text = (preview(2n ** 4_000_000n) as { text: string }).text;
    assert.ok(text.startsWith('0x1000'));
    assert.ok(text.endsWith('…n (4000004 bits)'), text.slice(-40));
    assert.ok(text.length < 1_100);
  });
});
