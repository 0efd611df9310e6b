// Retainer paths (attachTrackables(page).whyAlive, expectNoLeaks messages) in plain Chromium:
// each fixture leak of e2e/pages/retainers/app.js is held a different way, and the path's steps
// must name that way, edge by edge.
import { expect, type Page } from '@playwright/test';
import { attachTrackables, expectNoLeaks, type TrackablesAttachment, type WhyAliveAnswer } from '../agent/playwright/index.js';
import { revealExpression } from '../panel/reveal.js';
import { fixturePagesTest } from './plain-browser.js';

const test = fixturePagesTest.extend<{ app: { page: Page; trackables: TrackablesAttachment } }>({
  app: async ({ plainBrowser, fixtureOrigin }, use) => {
    const context = await plainBrowser.newContext();
    const page = await context.newPage();
    const trackables = await attachTrackables(page);
    await page.goto(`${fixtureOrigin}/retainers/index.html`);
    await use({ page, trackables });
    await trackables.detach();
    await context.close();
  },
});

type Fixture = Record<string, () => number | void>;
const call = (page: Page, name: string): Promise<number> => page.evaluate((name) => (window as unknown as { fixture: Fixture }).fixture[name]!() as number, name);

async function whyAlive(trackables: TrackablesAttachment, serial: number): Promise<Extract<WhyAliveAnswer, { status: 'alive' }>> {
  await trackables.collectGarbage();
  const [answer] = await trackables.whyAlive([serial]);
  expect(answer?.status, answer?.text).toBe('alive');
  return answer as Extract<WhyAliveAnswer, { status: 'alive' }>;
}

const edges = (answer: Extract<WhyAliveAnswer, { status: 'alive' }>): string[] =>
  answer.path!.steps.filter((step) => step.kind !== 'internal').map((step) => `${step.kind}:${step.edge}`);

test('a global array: Window.__popups[0]', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakPopup');
  const answer = await whyAlive(trackables, serial);
  expect(answer.path!.steps.map((step) => [step.holder, step.edge, step.kind])).toEqual([
    ['Window', '__popups', 'property'],
    ['Array', '0', 'element'],
  ]);
  expect(answer.path!.harness).toBeUndefined();
  expect(answer.text).toBe(`Popup #${serial} is alive, held by: Window.__popups[0]`);
});

test('track(this): the tracked object itself is found, with no opt-in by the page', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakStore');
  const answer = await whyAlive(trackables, serial);
  expect(answer.path!.steps.map((step) => [step.holder, step.edge, step.kind])).toEqual([
    ['Window', '__stores', 'property'],
    ['Array', '0', 'element'],
  ]);
  expect(answer.text).toBe(`TodoStore #${serial} is alive, held by: Window.__stores[0]`);
});

test('@trackable and track(obj, { type }): found like track(this)', async ({ app: { page, trackables } }) => {
  const [widget, series] = (await page.evaluate(() => (window as unknown as { fixture: { leakTracked(): number[] } }).fixture.leakTracked())) as [number, number];
  await trackables.collectGarbage();
  const answers = await trackables.whyAlive([widget, series]);
  expect(answers.map((answer) => answer.text)).toEqual([
    `Widget #${widget} is alive, held by: Window.__chart.widget`,
    `Series #${series} is alive, held by: Window.__chart.series`,
  ]);
});

test('a closure in an event listener on window: the listener, then the closure variable', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakHandler');
  const answer = await whyAlive(trackables, serial);
  expect(edges(answer)).toEqual(['event-listener:1', 'closure-variable:handler']);
  expect(answer.path!.steps.find((step) => step.kind === 'event-listener')?.eventType).toBe('resize');
  expect(answer.path!.lines).toEqual(['event listener onResize for "resize" on Window', 'closure variable handler of onResize']);
});

test('a closure in a click listener on a button: the event type and the element', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakClickHandler');
  const answer = await whyAlive(trackables, serial);
  expect(edges(answer).slice(-2)).toEqual(['event-listener:1', 'closure-variable:handler']);
  expect(answer.path!.lines.slice(-2)).toEqual(['event listener onClick for "click" on <button id="go">', 'closure variable handler of onClick']);
});

test('a Map in a module-level store: the module variable, then the entry by key', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakSession');
  const answer = await whyAlive(trackables, serial);
  const steps = edges(answer);
  expect(steps.slice(-2)).toEqual(['closure-variable:sessions', `map-entry:${answer.path!.steps.at(-1)!.edge}`]);
  expect(answer.path!.lines.at(-1)).toMatch(new RegExp(`^closure variable sessions of \\w+: sessions\\.get\\("session-${serial}"\\)$`));
});

test('a detached DOM node pointing back at its view, kept in a list', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'leakView');
  const answer = await whyAlive(trackables, serial);
  expect(edges(answer).slice(-3)).toEqual(['closure-variable:detachedNodes', 'element:0', 'property:__view']);
  expect(answer.path!.steps.at(-1)!.holder).toBe('Detached <div class="view">');
  expect(answer.path!.lines.at(-1)).toBe('Detached <div class="view">.__view');
});

test('a Playwright ElementHandle: the harness holds it, and the message says how to let go', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'addRow');
  const handle = await page.waitForSelector('p.row');
  await call(page, 'removeRows');
  const answer = await whyAlive(trackables, serial);
  expect(answer.path!.harness?.kind).toBe('element-handle');
  expect(edges(answer)).toEqual(['property:__row']);
  expect(answer.text).toContain('Playwright ElementHandle');
  expect(answer.text).toContain('handle.dispose()');

  await handle.dispose();
  await trackables.collectGarbage();
  const [after] = await trackables.whyAlive([serial]);
  expect(after?.status).toBe('collected');
});

test('a JSHandle, console.log, the Console\'s $_ and Reveal in Console are the harness too', async ({ app: { page, trackables } }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Runtime.enable');
  // Each one: a new Loose (the page's variable then moves on to the next), held the harness's way.
  const held: Record<string, number> = {};
  const handles = [];
  for (const way of ['JSHandle', 'console.log', '$_', 'reveal']) {
    if (way === 'reveal') await call(page, 'lookUpLooseAgain');
    const serial = await call(page, 'makeLoose');
    held[way] = serial;
    if (way === 'JSHandle') handles.push(await page.evaluateHandle(() => (window as unknown as { fixture: { current(): unknown } }).fixture.current()));
    if (way === 'console.log') await page.evaluate(() => console.log('a loose one', (window as unknown as { fixture: { current(): unknown } }).fixture.current()));
    if (way === '$_') await cdp.send('Runtime.evaluate', { expression: 'fixture.current()', objectGroup: 'console', includeCommandLineAPI: true });
    if (way === 'reveal') {
      const session = (await trackables.snapshot()).session!;
      const { result } = await cdp.send('Runtime.evaluate', { expression: revealExpression({ session, serial, type: 'Loose' }), includeCommandLineAPI: true, returnByValue: true });
      expect(result.value).toBe('revealed');
    }
  }
  await call(page, 'dropLoose');
  for (const [way, serial] of Object.entries(held)) {
    const answer = await whyAlive(trackables, serial);
    expect(answer.path!.harness?.kind, way).toBe('devtools-handle');
    expect(answer.text, way).toContain('clear the Console');
  }
  await cdp.detach();
});

test('$0, the element last inspected in DevTools, holds nothing: removed, the element and what it holds are collected', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'addRow');
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'p.row' });
  // What the Elements panel does on selecting a node.
  await cdp.send('DOM.setInspectedNode', { nodeId });
  const inspected = await cdp.send('Runtime.evaluate', { expression: '$0.__row.getTrackerSerial()', includeCommandLineAPI: true, returnByValue: true });
  expect(inspected.result.value).toBe(serial);
  await call(page, 'removeRows');
  // Polled, with the answer's text so that a failure shows what held it: once in ~8 full runs
  // under heavy load one collection left it (cause not seen); a strong $0 would keep it through
  // every collection.
  await expect
    .poll(async () => {
      await trackables.collectGarbage();
      return (await trackables.whyAlive([serial]))[0]?.text;
    })
    .toMatch(/: already collected/);
  await cdp.detach();
});

test('whyAlive keeps nothing alive: dropping the app\'s reference lets the instance be collected', async ({ app: { page, trackables } }) => {
  const serial = await call(page, 'makeLoose');
  const answer = await whyAlive(trackables, serial);
  expect(answer.path!.lines.at(-1)).toMatch(/closure variable loose of \w+$/);
  await call(page, 'dropLoose');
  await trackables.collectGarbage();
  expect((await trackables.snapshot()).types['Loose']).toEqual({ live: 0, created: 1, retired: 1 });
  const [after] = await trackables.whyAlive([serial]);
  expect(after).toEqual({ serial, status: 'collected', type: 'Loose', text: `Loose #${serial}: already collected (garbage-collected; its agent reported it destroyed).` });
});

test('an unknown serial is said to be unknown', async ({ app: { trackables } }) => {
  const [answer] = await trackables.whyAlive([987654]);
  expect(answer).toEqual({ serial: 987654, status: 'unknown', text: '#987654: unknown serial: this page\'s agent never reported it.' });
});

test('expectNoLeaks shows the retainer path under each instance, and retainers: false leaves it out', async ({ app: { page } }) => {
  const leak = async (): Promise<void> => void (await call(page, 'leakPopup'));
  const error = await expectNoLeaks(page, leak).then(() => null, (caught: Error) => caught);
  expect(error?.message).toMatch(/Popup: live 1 → 2 → 3 → 4 → 5 → 6 \(\+5\)\n {4}still alive: Popup #\d+ \{"i":3\}\n {6}held by: Window\.__popups\[3\]\n/);
  const without = await expectNoLeaks(page, leak, { retainers: false }).then(() => null, (caught: Error) => caught);
  expect(without?.message).toContain('still alive: Popup');
  expect(without?.message).not.toContain('held by');
});

test('iframes: each frame\'s serials are looked up in its own window, same-process or out-of-process', async ({ plainBrowser, fixtureOrigin }) => {
  const context = await plainBrowser.newContext();
  const page = await context.newPage();
  const trackables = await attachTrackables(page);
  // Another site than the top frame's (localhost, not 127.0.0.1): site isolation puts it in a process of its own.
  const crossOrigin = fixtureOrigin.replace('127.0.0.1', 'localhost');
  await page.goto(`${fixtureOrigin}/retainers/framed.html?cross=${encodeURIComponent(crossOrigin)}`);
  const frameNamed = async (name: string) => {
    await expect.poll(() => page.frame({ name })?.url() ?? '').toContain('/retainers/frame.html');
    const frame = page.frame({ name })!;
    await frame.waitForFunction(() => 'fixture' in window);
    return frame;
  };
  const same = await frameNamed('same');
  const cross = await frameNamed('cross');
  // The fixture is what it says: only the cross-site frame has a DevTools session of its own.
  await expect(context.newCDPSession(same)).rejects.toThrow(/does not have a separate CDP session/);
  await (await context.newCDPSession(cross)).detach();

  const leakIn = (frame: typeof same) => frame.evaluate(() => (window as unknown as { fixture: { leakPopup(): number } }).fixture.leakPopup());
  const top = await call(page, 'leakPopup');
  const inSame = await leakIn(same);
  const inCross = await leakIn(cross);
  // Serials count per window: the frames' first instances have the top frame's serial.
  expect([inSame, inCross]).toEqual([top, top]);
  const sessionAt = async (origin: string): Promise<string> => {
    await expect.poll(() => trackables.sessions().find((info) => !info.mainFrame && info.url.startsWith(origin))).toBeDefined();
    const session = trackables.sessions().find((info) => !info.mainFrame && info.url.startsWith(origin))!.session;
    await expect.poll(async () => (await trackables.snapshot({ session })).types['FramePopup']?.live).toBe(1);
    return session;
  };
  const sameSession = await sessionAt(`${fixtureOrigin}/`);
  const crossSession = await sessionAt(`${crossOrigin}/`);
  await trackables.collectGarbage();

  const [topAnswer] = await trackables.whyAlive([top]);
  expect(topAnswer?.text).toBe(`Popup #${top} is alive, held by: Window.__popups[0]`);
  const [sameAnswer] = await trackables.whyAlive([inSame], { session: sameSession });
  expect(sameAnswer?.text).toBe(`FramePopup #${inSame} is alive, held by: Window.__framePopups[0]`);
  const [crossAnswer] = await trackables.whyAlive([inCross], { session: crossSession });
  expect(crossAnswer?.text).toBe(`FramePopup #${inCross} is alive, held by: Window.__framePopups[0]`);
  await trackables.detach();
  await context.close();
});
