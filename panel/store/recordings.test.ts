import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchEncoder } from '../../agent/protocol/encode.js';
import { Op, type AgentBatch, type AgentHello, type PageToWorker, type WorkerToPanel } from '../../agent/protocol/messages.js';
import { toBundleJson, toBundleValues } from '../../agent/post-message/sanitize.js';
import { checkRecording, RECORDING_VERSION } from '../../agent/protocol/recording.js';
import { MAX_KEPT_MESSAGES_PER_STREAM } from './kept-messages.js';
import { NO_TAB, PanelStore } from './panel-store.js';
import { MAX_IMPORTED_SESSIONS } from './imported-sessions.js';
import type { Session } from './session.js';
import { eventBatch, hello as helloMessage, relay as relayMessage, type TestEvent } from '../../extension/test-support/messages.js';
import { ViewState } from '../views/shared/view-state.js';

const TAB = 7;

function makeStore(tabId = TAB): ViewState {
  return new ViewState(new PanelStore(tabId, () => {}));
}

const batch = (session: string, seq: number, events: TestEvent[], { frame = 'f1', dropped = 0 } = {}): AgentBatch =>
  eventBatch(session, seq, events, { frame, dropped });
const hello = (session: string, url: string, { frame = 'f1', time = 1_000 } = {}): AgentHello => helloMessage(session, frame, url, time);
const relay = (message: PageToWorker, frameId = 0): WorkerToPanel => relayMessage(message, TAB, frameId);

function counts(session: Session | undefined): Record<string, { live: number; created: number; retired: number; peak: number }> {
  assert.ok(session, 'a session is shown');
  return Object.fromEntries([...session.types.values()].map(({ type, live, created, retired, peak }) => [type, { live, created, retired, peak }]));
}

/** A live session s1: a top frame and an iframe, with every kind of event, and a repeated hello. */
function liveStore(): ViewState {
  const view = makeStore();
  const store = view.store;
  store.receive(relay(hello('s1', 'http://app.test/')));
  store.receive(relay(hello('s1', 'http://app.test/frame', { frame: 'f2', time: 1_010 }), 3));
  store.receive(relay(batch('s1', 1, [['attached', 1, 'Widget'], ['attached', 2, 'Widget'], ['attached', 3, 'Store', '{"a":1}']])));
  store.receive(relay(batch('s1', 1, [['attached', 1, 'Ad']], { frame: 'f2' }), 3));
  store.receive(relay(hello('s1', 'http://app.test/')));
  store.receive(relay(batch('s1', 2, [['detached', 1, 'Widget'], ['destroyed', 2, 'Widget'], ['updated', 3, 'Store', '{"a":2}']], { dropped: 2 })));
  return view;
}

test('export then import gives the same counts, per type, in a new session marked imported', () => {
  const liveView = liveStore();
  const recording = liveView.exportSession(undefined, Date.UTC(2026, 10, 24));
  assert.ok(recording);
  assert.equal(recording.createdAt, '2026-11-24T00:00:00.000Z');
  const checked = checkRecording(JSON.parse(JSON.stringify(recording)));
  assert.equal(checked.ok ? null : checked.reason, null);
  // One hello kept per frame although the agent said it twice.
  assert.deepEqual(recording.sessions.map((entry) => [entry.frame, entry.frameId, entry.url, entry.messages.map((m) => m.kind)]), [
    ['f1', 0, 'http://app.test/', ['hello', 'batch', 'batch']],
    ['f2', 3, 'http://app.test/frame', ['hello', 'batch']],
  ]);
  assert.equal(recording.notes, undefined);

  const viewerView = makeStore(NO_TAB);
  const viewer = viewerView.store;
  assert.equal(viewer.connection, 'offline');
  assert.equal(viewerView.importRecording(JSON.stringify(recording), 'rec.json'), true);
  assert.equal(viewerView.importError, null);
  const imported = viewerView.selected;
  assert.deepEqual(counts(imported), counts(liveView.selected));
  assert.deepEqual(imported?.imported?.file, 'rec.json');
  assert.equal(imported?.url, 'http://app.test/');
  assert.equal(imported?.hasTopFrame, true);
  assert.equal(imported?.events, liveView.selected?.events);
  assert.equal(viewerView.totalEvents, liveView.totalEvents);
  assert.equal(viewerView.drops.agentEvents, 2);

  // Exporting the imported session gives the same messages back.
  const again = viewerView.exportSession();
  assert.deepEqual(again?.sessions, recording.sessions);
});

test('imported sessions stay apart from live ones: live messages never feed them, and the view stays on the import', () => {
  const view = liveStore();
  const store = view.store;
  const before = counts(view.selected);
  const recording = view.exportSession()!;
  assert.equal(view.importRecording(JSON.stringify(recording), 'same-session.json'), true);
  assert.equal(store.sessions.length, 2);
  const imported = view.selected!;
  assert.notEqual(imported.id, 's1');
  assert.deepEqual(store.have(), [
    { session: 's1', frame: 'f1', seq: 2 },
    { session: 's1', frame: 'f2', seq: 1 },
  ]);

  // More of the live session, and a new page load: neither changes the import nor takes the view.
  store.receive(relay(batch('s1', 3, [['attached', 9, 'Widget']])));
  store.receive(relay(hello('s2', 'http://app.test/')));
  assert.equal(view.selected, imported);
  assert.deepEqual(counts(imported), before);
  view.select('s1');
  assert.equal(counts(view.selected)['Widget']?.created, 3);
  // Live events only: the import's 7 are not added.
  assert.equal(view.totalEvents, 8);
  assert.equal(imported.events, 7);
});

test('a file of another version, broken JSON, or not a recording gives a clear error and changes nothing', () => {
  const view = liveStore();
  const store = view.store;
  const good = view.exportSession()!;
  const cases: [text: string, error: RegExp][] = [
    [JSON.stringify({ ...good, version: 1 }), /^This file is a Trackables recording of version 1; this panel reads versions 2, 3, 4, 5 \(5 is the newest\)$/],
    ['{"format": "trackables-recording", "version": 2,', /^Broken file: JSON parse error: /],
    ['[1, 2]', /^Not a Trackables recording: the file holds an array, not an object$/],
    [JSON.stringify({ hello: 'world' }), /^Not a Trackables recording: "format" is missing, not "trackables-recording"$/],
    [JSON.stringify({ ...good, sessions: [{ ...good.sessions[0], messages: [{ kind: 'batch' }] }] }), /^Not a valid Trackables recording: sessions\.0: messages\.0: /],
    [JSON.stringify({ ...good, sessions: [] }), /^Nothing to show: the recording bad\.json holds no sessions$/],
  ];
  for (const [text, error] of cases) {
    const sessions = store.sessions;
    const selected = view.selected;
    assert.equal(view.importRecording(text, 'bad.json'), false);
    assert.match(view.importError ?? '', error);
    assert.deepEqual(store.sessions, sessions);
    assert.equal(view.selected, selected);
  }
  assert.equal(view.importRecording(JSON.stringify(good), 'good.json'), true);
  assert.equal(view.importError, null, 'a successful import clears the error');
});

test('a recording of another tool without frame ids: its first frame is the top frame', () => {
  const view = makeStore(NO_TAB);
  const recording = {
    format: 'trackables-recording',
    version: RECORDING_VERSION,
    createdAt: '2026-11-24T00:00:00.000Z',
    tool: 'trackables/playwright 0.1.0',
    extra: 'kept or ignored, never rejected',
    sessions: [
      { session: 'a', frame: 'top', url: 'http://app.test/', startedAt: 1_000, messages: [batch('a', 1, [['attached', 1, 'W']], { frame: 'top' })] },
      { session: 'a', frame: 'ad', url: 'http://ads.test/', startedAt: 1_001, messages: [batch('a', 2, [['attached', 2, 'W']], { frame: 'ad' })] },
    ],
  };
  assert.equal(view.importRecording(JSON.stringify(recording), 'pw.json'), true);
  const session = view.selected!;
  assert.deepEqual([...session.streams.values()].map((frame) => [frame.frameId, frame.url]), [[0, 'http://app.test/'], [1, 'http://ads.test/']]);
  assert.equal(session.url, 'http://app.test/', 'the URL comes from the entry when no hello was recorded');
  // The ad frame's first batch is seq 2: one batch missing, shown in the import's drops only.
  assert.equal(view.drops.gaps, 1);
});

test('kept messages are bounded; an export of a session that lost its start says so', () => {
  const view = makeStore();
  const store = view.store;
  store.receive(relay(hello('s1', 'http://app.test/')));
  const total = MAX_KEPT_MESSAGES_PER_STREAM + 10;
  for (let seq = 1; seq <= total; seq++) store.receive(relay(batch('s1', seq, [['attached', seq, 'W']])));
  const recording = view.exportSession()!;
  const [entry] = recording.sessions;
  assert.equal(entry?.messages.length, MAX_KEPT_MESSAGES_PER_STREAM);
  // The hello and the first ten batches went.
  assert.equal(entry?.evictedMessages, 11);
  assert.equal(entry?.evictedEvents, 10);
  assert.match(recording.notes?.[0] ?? '', /11 earlier messages \(10 events\) are missing/);
  assert.equal(entry?.url, 'http://app.test/');
});

test('imported sessions are bounded apart from live ones: the earliest imported go first', () => {
  const view = makeStore(NO_TAB);
  const store = view.store;
  const one = (session: string) => ({
    format: 'trackables-recording',
    version: RECORDING_VERSION,
    createdAt: '',
    tool: 'test',
    sessions: [{ session, frame: 'f1', url: '', startedAt: 1_000, messages: [batch(session, 1, [['attached', 1, 'W']])] }],
  });
  for (let index = 0; index <= MAX_IMPORTED_SESSIONS; index++) assert.equal(view.importRecording(JSON.stringify(one(`s${index}`)), `${index}.json`), true);
  assert.equal(store.sessions.length, MAX_IMPORTED_SESSIONS);
  assert.ok(!store.sessions.some((session) => session.agentSession === 's0'));
  assert.equal(view.importNotice, null);
});

test('a recording of more sessions than the imported list keeps (Export all of a full panel): the newest are listed, and a notice says what was left out', () => {
  const view = makeStore(NO_TAB);
  const store = view.store;
  const entry = (session: string, startedAt: number) => ({
    session,
    frame: 'f1',
    url: '',
    startedAt,
    messages: [batch(session, 1, [['attached', 1, 'W']])],
  });
  // Start times in no particular order: the newest by start time are kept, not the file's last.
  const sessions = Array.from({ length: MAX_IMPORTED_SESSIONS + 3 }, (_, i) => entry(`x${i}`, 1_000 + ((i * 7) % (MAX_IMPORTED_SESSIONS + 3)) * 1_000));
  const many = { format: 'trackables-recording', version: RECORDING_VERSION, createdAt: '', tool: 'test', sessions };
  assert.equal(view.importRecording(JSON.stringify(many), 'many.json'), true);
  assert.equal(view.importError, null);
  assert.equal(store.sessions.length, MAX_IMPORTED_SESSIONS);
  const newest = [...sessions].sort((a, b) => b.startedAt - a.startedAt).slice(0, MAX_IMPORTED_SESSIONS);
  assert.deepEqual(
    store.sessions.map((session) => session.agentSession).sort(),
    newest.map((s) => s.session).sort(),
  );
  assert.equal(view.importNotice, `The recording many.json holds ${MAX_IMPORTED_SESSIONS + 3} sessions; the panel lists at most ${MAX_IMPORTED_SESSIONS} imported: the ${MAX_IMPORTED_SESSIONS} newest are listed, the 3 older left out`);
  // The next import, taken whole, clears it.
  assert.equal(view.importRecording(JSON.stringify({ ...many, sessions: [entry('y', 99_000)] }), 'one.json'), true);
  assert.equal(view.importNotice, null);
});

test('export all writes every listed session; importing it lists each apart again with the same counts', () => {
  const view = liveStore();
  const store = view.store;
  store.receive(relay(hello('s2', 'http://app.test/', { time: 5_000 })));
  store.receive(relay(batch('s2', 1, [['attached', 1, 'Store'], ['attached', 2, 'Store']])));
  // An imported copy of s1 has the same agent session id as the live s1.
  assert.equal(view.importRecording(JSON.stringify(view.exportSession('s1')), 's1.json'), true);
  const listed = store.sessions;
  assert.equal(listed.length, 3);

  const all = store.exportAll(Date.UTC(2026, 10, 24));
  assert.ok(all);
  const checked = checkRecording(JSON.parse(JSON.stringify(all)));
  assert.equal(checked.ok ? null : checked.reason, null);
  // One entry per (session, frame), oldest session first; the import keeps its messages.
  assert.deepEqual(
    all.sessions.map((entry) => [entry.panelSession, entry.session, entry.frame]),
    [
      ['s1', 's1', 'f1'],
      ['s1', 's1', 'f2'],
      ['import-1/s1', 's1', 'f1'],
      ['import-1/s1', 's1', 'f2'],
      ['s2', 's2', 'f1'],
    ],
  );
  const importedEntries = all.sessions.filter((entry) => entry.panelSession?.startsWith('import-'));
  assert.deepEqual(importedEntries.map((entry) => entry.messages), view.exportSession('s1')!.sessions.map((entry) => entry.messages));

  const viewerView = makeStore(NO_TAB);
  const viewer = viewerView.store;
  assert.equal(viewerView.importRecording(JSON.stringify(all), 'all.json'), true);
  const back = viewer.sessions;
  assert.equal(back.length, 3);
  assert.deepEqual(
    back.map((session) => [session.agentSession, session.startTime, session.events, counts(session)]),
    listed.map((session) => [session.agentSession, session.startTime, session.events, counts(session)]),
  );
  assert.ok(back.every((session) => session.imported?.file === 'all.json'));
  assert.equal(viewerView.selected, back[0], 'the newest session is shown');
});

test('export all of a store with no session is null; a shown-session export carries no panelSession', () => {
  assert.equal(makeStore().store.exportAll(), null);
  assert.ok(liveStore().exportSession()!.sessions.every((entry) => !('panelSession' in entry)));
});

test('recordings written before arrays as values (versions 4 and 3) still import; a recording holding them exports as version 5 and reads back the same bundles', () => {
  const liveView = liveStore();
  const older = liveView.exportSession()!;
  for (const version of [4, 3] as const) {
    const viewerView = makeStore(NO_TAB);
    assert.equal(viewerView.importRecording(JSON.stringify({ ...older, version }), `v${version}.json`), true, viewerView.importError ?? '');
    assert.deepEqual(counts(viewerView.selected), counts(liveView.selected));
  }

  // A batch as the agent posts it for a reader of array-values: `{tags: [a, b]}` as three values and a shape with lengths.
  const encoder = new BatchEncoder(() => 1_000);
  const bundles = [{ tags: ['a', 'b'], n: 1 }, { tags: [], n: 2 }];
  bundles.forEach((bundle, i) => {
    const from = encoder.values.length;
    encoder.addShaped(Op.attached, i + 1, 'Store', toBundleValues(bundle, encoder.values, undefined, true)!, from);
  });
  const arrays = encoder.take('s2', 'f1', 1, 0)!;
  assert.ok(arrays.strings.some((text) => text.includes('"lengths"')));
  const view = makeStore();
  view.store.receive(relay(hello('s2', 'http://app.test/arrays')));
  view.store.receive(relay(arrays));
  const recording = view.exportSession()!;
  assert.equal(recording.version, 5);
  const viewerView = makeStore(NO_TAB);
  assert.equal(viewerView.importRecording(JSON.stringify(recording), 'arrays.json'), true, viewerView.importError ?? '');
  assert.deepEqual(
    [1, 2].map((serial) => viewerView.selected!.instance('f1', serial)?.bundle),
    bundles.map((bundle) => toBundleJson(bundle)),
  );
});
