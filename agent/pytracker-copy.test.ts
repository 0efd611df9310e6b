/*
 * pytracker's test_trackable4 (pyt_tests/copytests.py, checked against copytests.verify),
 * ported: pickling becomes JSON of getState() restored with fromState, copy.deepcopy becomes
 * clone(). The expected output is copytests.verify in this library's dump format: tuples print
 * as JSON, `str(self)`'s address becomes the serial, trailing padding is gone, and tracked
 * objects are listed in serial order (Python listed a dict in hash order: obj#16 before #15).
 *
 * In its own file so serials are predictable: each test file runs in a fresh process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectUntil } from './test-support/collect.js';
import { Trackable, setGlobalTracker, type SavedState } from './trackable.js';
import type { TrackedClass } from './tracker-protocol.js';
import { Tracker } from './tracker.js';

const EXPECTED = `
Testing normal derived object

data bundle before: ["bundle","foo object","<foo object #8>"]
foo before: <foo object #8>
data bundle before: ["bundle","foo object","<foo object #8>"]
msg before: message is: foo object
Trackable                                allocated: 0            retired: 0
foo                                      allocated: 1            retired: 0
   obj#8        bundle:'["bundle","foo object","<foo object #8>"]'
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 0            retired: 0
foo                                      allocated: 0 (-1)       retired: 1 (+1)
foos                                     allocated: 0            retired: 0
foo after: <foo object #9>
data bundle after: ["bundle","foo object","<foo object #8>"]
msg after: message is: foo object
Trackable                                allocated: 0            retired: 0
foo                                      allocated: 2 (+2)       retired: 1
   obj#9        bundle:'["bundle","foo object","<foo object #8>"]'
   obj#10       bundle:'["bundle","foo object","<foo object #8>"]'
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 0            retired: 0
foo                                      allocated: 1 (-1)       retired: 2 (+1)
   obj#10       bundle:'["bundle","foo object","<foo object #8>"]'
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 0            retired: 0
foo                                      allocated: 0 (-1)       retired: 3 (+1)
foos                                     allocated: 0            retired: 0

Testing bare trackable

data bundle before: hardcoded bundle
bar before: <Trackable object #11>
data bundle before: hardcoded bundle
Trackable                                allocated: 1 (+1)       retired: 0
   obj#11       bundle:'hardcoded bundle'
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 0 (-1)       retired: 1 (+1)
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0            retired: 0
bar after: <Trackable object #12>
data bundle after: hardcoded bundle
Trackable                                allocated: 2 (+2)       retired: 1
   obj#12       bundle:'hardcoded bundle'
   obj#13       bundle:'hardcoded bundle'
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 1 (-1)       retired: 2 (+1)
   obj#13       bundle:'hardcoded bundle'
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0            retired: 0
Trackable                                allocated: 0 (-1)       retired: 3 (+1)
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0            retired: 0

Testing subclass with slots

data bundle before: ["bundle","foos object","<foos object #14>"]
foos before: <foos object #14>
data bundle before: ["bundle","foos object","<foos object #14>"]
msg before: message is: foos object
Trackable                                allocated: 0            retired: 3
foo                                      allocated: 0            retired: 3
foos                                     allocated: 1 (+1)       retired: 0
   obj#14       bundle:'["bundle","foos object","<foos object #14>"]'
Trackable                                allocated: 0            retired: 3
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0 (-1)       retired: 1 (+1)
foos after: <foos object #15>
data bundle after: ["bundle","foos object","<foos object #14>"]
msg after: message is: foos object
Trackable                                allocated: 0            retired: 3
foo                                      allocated: 0            retired: 3
foos                                     allocated: 2 (+2)       retired: 1
   obj#15       bundle:'["bundle","foos object","<foos object #14>"]'
   obj#16       bundle:'["bundle","foos object","<foos object #14>"]'
Trackable                                allocated: 0            retired: 3
foo                                      allocated: 0            retired: 3
foos                                     allocated: 1 (-1)       retired: 2 (+1)
   obj#16       bundle:'["bundle","foos object","<foos object #14>"]'
Trackable                                allocated: 0            retired: 3
foo                                      allocated: 0            retired: 3
foos                                     allocated: 0 (-1)       retired: 3 (+1)
`;

/** What Python's default `str(obj)` shows, with the serial standing in for the address. */
function str(obj: Trackable): string {
  return `<${obj.constructor.name} object #${obj.getTrackerSerial()}>`;
}

class foo extends Trackable {
  msg: string;
  constructor(msg: string) {
    super();
    this.msg = 'message is: ' + msg;
    this.setDataBundle(['bundle', msg, str(this)]);
  }
}

// Not a #private method: fromState does not run the subclass's constructor, so an instance it
// makes lacks the subclass's private names and setState could not use them.
function setSlot(obj: object, msg: string): void {
  Object.defineProperty(obj, 'msg', { value: msg, writable: true, enumerable: false, configurable: true });
}

/** Python's __slots__ class: `msg` is not in the instance's data, so get/setState carry it. */
class foos extends Trackable {
  declare msg: string;
  constructor(msg: string) {
    super();
    setSlot(this, 'message is: ' + msg);
    this.setDataBundle(['bundle', msg, str(this)]);
  }

  override getState(): SavedState {
    const saved = super.getState();
    return { state: { ...saved.state, msg: this.msg }, bundle: saved.bundle };
  }

  override setState(saved: SavedState): void {
    const { msg, ...state } = saved.state as { msg: string };
    setSlot(this, msg);
    super.setState({ state, bundle: saved.bundle });
  }
}

function pickled(obj: Trackable): string {
  return JSON.stringify(obj.getState());
}

function unpickle<T extends Trackable>(type: abstract new (...args: any[]) => T, buf: string): T {
  return (type as unknown as typeof Trackable).fromState(JSON.parse(buf) as SavedState) as T;
}

test('copytests: copying and pickling keep bundles and count as new instances', async () => {
  // pytracker's earlier tests had used serials 1–7; untracked, these do not show in the dump.
  for (let i = 0; i < 7; i++) new Trackable();

  const output: string[] = [];
  const print = (text: string) => output.push(text + '\n');
  const show = (bundle: unknown) => JSON.stringify(bundle);

  const t = new Tracker();
  setGlobalTracker(t);
  t.setObjectTracking(foo);
  t.setObjectTracking(foos);
  t.setObjectTracking(Trackable);

  const retired = (type: TrackedClass, count: number, what: string) =>
    collectUntil(() => t.get(type)!.deallocated === count, { what });

  print('\nTesting normal derived object\n');
  {
    let x: foo | null = new foo('foo object');
    print('data bundle before: ' + show(x.getDataBundle()));
    print('foo before: ' + str(x));
    print('data bundle before: ' + show(x.getDataBundle()));
    print('msg before: ' + x.msg);
    print(t.dump());
    const px = pickled(x);
    x = null;
    await retired(foo, 1, 'the pickled foo to be retired');
    print(t.dump());
    x = unpickle(foo, px);
    let y: foo | null = x.clone();
    print('foo after: ' + str(x));
    print('data bundle after: ' + show(x.getDataBundle()));
    print('msg after: ' + x.msg);
    print(t.dump());
    x = null;
    await retired(foo, 2, 'the unpickled foo to be retired');
    print(t.dump());
    assert.ok(y instanceof foo);
    y = null;
    await retired(foo, 3, 'the copied foo to be retired');
    print(t.dump());
  }

  print('\nTesting bare trackable\n');
  {
    let x: Trackable | null = new Trackable();
    x.setDataBundle('hardcoded bundle');
    print('data bundle before: ' + String(x.getDataBundle()));
    print('bar before: ' + str(x));
    print('data bundle before: ' + String(x.getDataBundle()));
    print(t.dump());
    const px = pickled(x);
    x = null;
    await retired(Trackable, 1, 'the pickled Trackable to be retired');
    print(t.dump());
    x = unpickle(Trackable, px);
    let y: Trackable | null = x.clone();
    print('bar after: ' + str(x));
    print('data bundle after: ' + String(x.getDataBundle()));
    print(t.dump());
    x = null;
    await retired(Trackable, 2, 'the unpickled Trackable to be retired');
    print(t.dump());
    assert.ok(y instanceof Trackable);
    y = null;
    await retired(Trackable, 3, 'the copied Trackable to be retired');
    print(t.dump());
  }

  print('\nTesting subclass with slots\n');
  {
    let x: foos | null = new foos('foos object');
    print('data bundle before: ' + show(x.getDataBundle()));
    print('foos before: ' + str(x));
    print('data bundle before: ' + show(x.getDataBundle()));
    print('msg before: ' + x.msg);
    print(t.dump());
    const px = pickled(x);
    x = null;
    await retired(foos, 1, 'the pickled foos to be retired');
    print(t.dump());
    x = unpickle(foos, px);
    let y: foos | null = x.clone();
    print('foos after: ' + str(x));
    print('data bundle after: ' + show(x.getDataBundle()));
    print('msg after: ' + x.msg);
    print(t.dump());
    x = null;
    await retired(foos, 2, 'the unpickled foos to be retired');
    print(t.dump());
    assert.equal(y.msg, 'message is: foos object');
    assert.equal(JSON.stringify(y), '{}', 'the slot stays out of the instance data');
    y = null;
    await retired(foos, 3, 'the copied foos to be retired');
    print(t.dump());
  }

  assert.equal(output.join(''), EXPECTED);
});
