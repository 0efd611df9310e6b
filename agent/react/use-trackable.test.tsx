// useTrackable with real React 19 (react-test-renderer runs the hooks and effects in Node, no DOM):
// StrictMode, unmount, bundles. The same in Chromium with the extension: e2e/react-leaks.spec.ts.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { StrictMode, useState, type Dispatch, type SetStateAction } from 'react';
import { act, create, type ReactTestRenderer } from 'react-test-renderer';
import { getTrackerSerial } from '../track.js';
import { setGlobalTracker } from '../trackable.js';
import { collectUntil } from '../test-support/collect.js';
import { Recorder } from '../test-support/recorder.js';
import { useTrackable } from './use-trackable.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let recorder: Recorder;
beforeEach(() => {
  recorder = new Recorder();
  setGlobalTracker(recorder);
});
afterEach(() => setGlobalTracker(null));

const aTask = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

/** The object the last render got: tracked once React commits the mount. */
let tracked: object = {};
let setBundle: Dispatch<SetStateAction<unknown>> = () => {};

function Widget({ initial }: { initial?: unknown }) {
  const [bundle, set] = useState<unknown>(initial);
  setBundle = set;
  tracked = useTrackable('Widget', bundle);
  return null;
}

async function render(element: React.ReactElement): Promise<ReactTestRenderer> {
  let renderer: ReactTestRenderer | undefined;
  await act(() => {
    renderer = create(element);
  });
  return renderer!;
}

const events = () => recorder.events.map((event) => event.event);

test('StrictMode mounts one instance and releases nothing; an unmount releases it, and it is destroyed once collected', async () => {
  const renderer = await render(
    <StrictMode>
      <Widget />
    </StrictMode>,
  );
  await aTask();
  assert.deepEqual(events(), ['attached']);
  const mounted = getTrackerSerial(tracked);
  tracked = {};
  await act(() => renderer.unmount());
  assert.deepEqual(events(), ['attached'], 'the release waits a task');
  await aTask();
  assert.deepEqual(recorder.of(mounted).map(([event]) => event), ['attached', 'released']);
  await collectUntil(() => recorder.destroyed(mounted).length === 1, { what: 'the unmounted component collected' });
  assert.deepEqual(recorder.of(mounted).map(([event]) => event), ['attached', 'released', 'destroyed']);
});

test('the bundle is compared shallowly: a new object with the same own values sets nothing, a changed value does', async () => {
  const renderer = await render(<Widget initial={{ count: 1, label: 'a' }} />);
  const serial = getTrackerSerial(tracked);
  assert.deepEqual(recorder.of(serial), [
    ['attached', 'Widget', undefined],
    ['updated', 'Widget', { count: 1, label: 'a' }],
  ]);
  await act(() => setBundle({ count: 1, label: 'a' }));
  await act(() => setBundle({ label: 'a', count: 1 }));
  assert.equal(recorder.of(serial).length, 2, 'same own values: no update');
  await act(() => setBundle({ count: 2, label: 'a' }));
  await act(() => setBundle({ count: 2 }));
  await act(() => setBundle([2]));
  assert.deepEqual(recorder.of(serial).slice(2), [
    ['updated', 'Widget', { count: 2, label: 'a' }],
    ['updated', 'Widget', { count: 2 }],
    ['updated', 'Widget', [2]],
  ]);
  await act(() => renderer.unmount());
});
