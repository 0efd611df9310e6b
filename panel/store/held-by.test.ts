import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentBatch } from '../../agent/protocol/messages.js';
import type { RecordedRetainer } from '../../agent/protocol/recorded-retainers.js';
import { checkRecording, RECORDING_VERSION } from '../../agent/protocol/recording.js';
import { eventBatch } from '../../extension/test-support/messages.js';
import { NO_TAB, PanelStore } from './panel-store.js';
import { ViewState } from '../views/shared/view-state.js';

/** A viewer's store and view state, as the standalone viewer has them. */
const viewer = () => new ViewState(new PanelStore(NO_TAB, () => {}));

const batch = (frame: string, events: Parameters<typeof eventBatch>[2]): AgentBatch => eventBatch('s1', 1, events, { frame, dropped: 0 });

const popup: RecordedRetainer = {
  serial: 1,
  type: 'Popup',
  status: 'alive',
  detached: false,
  steps: [
    { holder: 'Window', edge: '__popups', edgeType: 'property', kind: 'property' },
    { holder: 'Array', edge: '0', edgeType: 'element', kind: 'element' },
  ],
  lines: ['Window.__popups[0]'],
};
const handler: RecordedRetainer = {
  serial: 2,
  type: 'Handler',
  status: 'alive',
  detached: true,
  steps: [{ holder: 'V8EventListener', edge: '1', edgeType: 'element', kind: 'event-listener', eventType: 'resize' } as RecordedRetainer['steps'][number]],
  lines: ['event listener onResize for "resize" on Window'],
  harness: { kind: 'devtools-handle', text: 'the test harness', fix: 'dispose it' },
};
const inFrame: RecordedRetainer = { serial: 1, type: 'Ad', status: 'unreachable', detached: false, steps: [], lines: [] };

/** A recording as `npm run record -- <url> --why` writes it: two frames, each with its paths. */
const recorded = {
  format: 'trackables-recording',
  version: RECORDING_VERSION,
  createdAt: '2026-12-04T00:00:00.000Z',
  tool: 'trackables/record',
  sessions: [
    { session: 's1', frame: 'top', url: 'http://app.test/', startedAt: 1_000, messages: [batch('top', [['attached', 1, 'Popup'], ['attached', 2, 'Handler']])], retainers: [popup, handler] },
    { session: 's1', frame: 'ad', url: 'http://ads.test/', startedAt: 1_001, messages: [batch('ad', [['attached', 1, 'Ad']])], retainers: [inFrame] },
  ],
};

test('exporting an imported session keeps its retainer paths, frame by frame, and they import again', () => {
  const view = viewer();
  assert.equal(view.importRecording(JSON.stringify(recorded), 'why.json'), true);
  const exported = view.exportSession()!;
  const checked = checkRecording(JSON.parse(JSON.stringify(exported)));
  assert.equal(checked.ok ? null : checked.reason, null);
  assert.equal(exported.version, RECORDING_VERSION);
  assert.deepEqual(
    exported.sessions.map((entry) => [entry.frame, entry.retainers]),
    [
      ['top', [popup, handler]],
      ['ad', [inFrame]],
    ],
  );

  const again = viewer();
  assert.equal(again.importRecording(JSON.stringify(exported), 'exported.json'), true);
  const session = again.selected!.id;
  assert.deepEqual(again.store.heldBy({ session, stream: 'top', serial: 2 }), handler);
  assert.deepEqual(again.store.heldBy({ session, stream: 'ad', serial: 1 }), inFrame);
  assert.equal(again.store.heldBy({ session, stream: 'top', serial: 9 }), null);
  // Export all keeps them too.
  assert.deepEqual(again.store.exportAll()!.sessions.map((entry) => entry.retainers?.length), [2, 1]);
});

test('a session without recorded paths exports none', () => {
  const view = viewer();
  const { sessions } = recorded;
  const plain = { ...recorded, sessions: sessions.map(({ retainers: _, ...entry }) => entry) };
  assert.equal(view.importRecording(JSON.stringify(plain), 'plain.json'), true);
  assert.ok(view.exportSession()!.sessions.every((entry) => !('retainers' in entry)));
  assert.equal(view.store.heldBy({ session: view.selected!.id, stream: 'top', serial: 1 }), undefined);
});
