// trackables/playwright against the built demo app in plain Chromium (no extension): the helper's
// own relay answers the agent, and what it decodes must match what the demo did, exactly.
import { expect, test } from './demo-fixtures.js';
import { SessionState } from '../agent/playwright/counts.js';
import { attachTrackables } from '../agent/playwright/index.js';
import { checkRecording } from '../agent/protocol/recording.js';
import { decodeBatch } from '../agent/protocol/decode.js';
import { isPlaceholder } from '../agent/protocol/bundle-preview.js';

/** What examples/demo/app.ts puts on window. */
interface Demo {
  open(route: 'todos' | 'about'): void;
  add(count: number): void;
  clear(): void;
}

/** The demo at start: one bus, one store, the to-do view and its subscription. */
/** The demo's React part, mounted from the start and never unmounted by these tests. */
const REACT_PART = {
  ReactPanel: { live: 1, created: 1, retired: 0 },
  WindowWidth: { live: 1, created: 1, retired: 0 },
};

const AT_START = {
  ...REACT_PART,
  EventBus: { live: 1, created: 1, retired: 0 },
  Subscription: { live: 1, created: 1, retired: 0 },
  TodoStore: { live: 1, created: 1, retired: 0 },
  TodoView: { live: 1, created: 1, retired: 0 },
};

/** After add(5) and a switch to About, garbage collected: the closed view and its subscription retired. */
const AFTER_ADD_AND_ABOUT = {
  ...REACT_PART,
  AboutView: { live: 1, created: 1, retired: 0 },
  EventBus: { live: 1, created: 1, retired: 0 },
  Subscription: { live: 0, created: 1, retired: 1 },
  TodoItem: { live: 5, created: 5, retired: 0 },
  TodoStore: { live: 1, created: 1, retired: 0 },
  TodoView: { live: 0, created: 1, retired: 1 },
};

test('snapshot counts each type exactly after known actions and a forced garbage collection', async ({ page, demoUrl }) => {
  const trackables = await attachTrackables(page);
  await page.goto(demoUrl);
  expect((await trackables.snapshot()).types).toEqual(AT_START);

  await page.evaluate(() => {
    (window as unknown as { demo: Demo }).demo.add(5);
    (window as unknown as { demo: Demo }).demo.open('about');
  });
  await trackables.collectGarbage();
  const snapshot = await trackables.snapshot();
  expect(snapshot.types).toEqual(AFTER_ADD_AND_ABOUT);
  expect(snapshot.url).toBe(demoUrl);
  expect(snapshot.droppedEvents).toBe(0);
  expect(snapshot.missingBatches).toBe(0);
  const { types } = await trackables.snapshot({ serials: true });
  expect(types['TodoItem']?.serials?.map((instance) => instance.bundle)).toEqual(
    [1, 2, 3, 4, 5].map((id) => ({ id, title: `Task ${id}`, done: false })),
  );
  expect(types['TodoView']?.serials).toEqual([]);
  expect(trackables.stats().invalidMessages).toBe(0);
  await trackables.detach();
});

test('attaching after the page loaded still gets everything the agent buffered', async ({ page, demoUrl }) => {
  await page.goto(demoUrl);
  await page.evaluate(() => {
    (window as unknown as { demo: Demo }).demo.add(5);
    (window as unknown as { demo: Demo }).demo.open('about');
  });
  const trackables = await attachTrackables(page);
  await trackables.collectGarbage();
  expect((await trackables.snapshot()).types).toEqual(AFTER_ADD_AND_ABOUT);
  await trackables.detach();
});

test('a reload is a new session, and snapshot counts the latest one by default', async ({ page, demoUrl }) => {
  const trackables = await attachTrackables(page);
  await page.goto(demoUrl);
  await page.evaluate(() => (window as unknown as { demo: Demo }).demo.add(5));
  const first = await trackables.snapshot();
  await page.reload();
  const second = await trackables.snapshot();
  expect(second.session).not.toBe(first.session);
  expect(second.types).toEqual(AT_START);
  expect((await trackables.snapshot({ session: first.session! })).types['TodoItem']).toEqual({ live: 5, created: 5, retired: 0 });
  expect(trackables.sessions().map((session) => session.session)).toEqual([first.session, second.session]);
  await trackables.detach();
});

test('record() returns a valid recording that decodes to the same counts', async ({ page, demoUrl }) => {
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(demoUrl);
  await page.evaluate(() => {
    (window as unknown as { demo: Demo }).demo.add(5);
    (window as unknown as { demo: Demo }).demo.open('about');
  });
  await trackables.collectGarbage();
  const recording = await recorder.stop();

  const parsed: unknown = JSON.parse(JSON.stringify(recording));
  const checked = checkRecording(parsed);
  expect(checked.ok ? null : checked.reason).toBeNull();
  expect(recording.sessions).toHaveLength(1);
  const [session] = recording.sessions;
  expect(session!.url).toBe(demoUrl);
  const decoded = new SessionState(session!.session, session!.frame);
  for (const message of session!.messages) decoded.apply(message);
  expect(decoded.counts()).toEqual(AFTER_ADD_AND_ABOUT);
  expect(decoded.counts()).toEqual((await trackables.snapshot()).types);
  // The demo's plain-object bundles travel as values (docs/protocol.md), and read back as JSON texts.
  const batches = session!.messages.filter((message) => message.kind === 'batch');
  expect(batches.some((batch) => (batch.values?.length ?? 0) > 0)).toBe(true);
  const bundles = batches.flatMap(decodeBatch).flatMap((event) => (event.bundle === undefined ? [] : [JSON.parse(event.bundle) as unknown]));
  expect(bundles.length).toBeGreaterThan(0);
  expect(bundles.filter((bundle) => isPlaceholder(bundle))).toEqual([]);
  await trackables.detach();
});

test('a loop\'s events travel as repeats, each with its own bundle, and count exactly', async ({ page, demoUrl }) => {
  const trackables = await attachTrackables(page);
  const recorder = trackables.record();
  await page.goto(demoUrl);
  // 500 to-do items in one loop: each attached, then updated with a bundle of the same shape (its
  // constructor sets one): a repeat of period 2, each update taking values of its own.
  await page.evaluate(() => (window as unknown as { demo: Demo }).demo.add(500));
  const recording = await recorder.stop();
  const [session] = recording.sessions;
  const batches = session!.messages.filter((message) => message.kind === 'batch');
  // The helper's relay said it reads repeats, so the agent wrote them (docs/protocol.md, "Repeats").
  expect(batches.some((batch) => batch.ops.includes('!'))).toBe(true);
  const opsChars = batches.reduce((sum, batch) => sum + batch.ops.length, 0);
  const events = batches.reduce((sum, batch) => sum + batch.events, 0);
  expect(opsChars, `${opsChars} characters of ops for ${events} events`).toBeLessThan(events);
  const titles = batches
    .flatMap(decodeBatch)
    .filter((event) => event.type === 'TodoItem' && event.op === 'updated')
    .map((event) => (JSON.parse(event.bundle!) as { title: string }).title);
  expect(titles).toEqual(Array.from({ length: 500 }, (_, i) => `Task ${i + 1}`));
  expect((await trackables.snapshot()).types['TodoItem']).toEqual({ live: 500, created: 500, retired: 0 });
  expect(trackables.stats().invalidMessages).toBe(0);
  await trackables.detach();
});

test('messages that fail validation are dropped and counted, not counted as events', async ({ page, demoUrl }) => {
  const trackables = await attachTrackables(page);
  await page.goto(demoUrl);
  await page.evaluate(() =>
    // Current version and shape, but its event names a type the batch does not carry.
    window.postMessage({ source: 'trackables-agent', v: 2, kind: 'batch', session: 's', frame: 'f', seq: 1, t0: 0, dropped: 0, events: 1, strings: [], ops: '#$##' }, '*'),
  );
  await trackables.settle();
  expect(trackables.stats().invalidMessages).toBe(1);
  expect(trackables.sessions()).toHaveLength(1);
  expect((await trackables.snapshot()).types).toEqual(AT_START);
  await trackables.detach();
});
