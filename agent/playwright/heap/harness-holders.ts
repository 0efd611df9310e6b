/*
 * The test harness as a holder. V8 keeps a global handle, labelled "DevTools console" in heap
 * snapshots, for every object it hands to a debugger client: Playwright's ElementHandles and
 * JSHandles, objects logged with console.log (kept for the Console), the Console's `$_`, objects
 * the Trackables panel revealed in the Console. Not `$0`, the last element inspected: Chromium
 * holds it weakly (e2e/retainers.spec.ts shows the element collected once removed). An instance held only that way is not the app's
 * leak; the message says which handle it most likely is and how to let go of it.
 */
import type { HeapSnapshot } from './snapshot-parser.js';

/** Which part of the harness holds an object, and what to do about it. */
export interface HarnessHolder {
  kind: 'element-handle' | 'devtools-handle';
  /** In words, for the message. */
  text: string;
  fix: string;
}

const ELEMENT_HANDLE: HarnessHolder = {
  kind: 'element-handle',
  text:
    'the test harness, not the app: a DevTools protocol handle to a DOM node, most likely a Playwright ' +
    'ElementHandle still held (page.$(), page.waitForSelector(), elementHandle())',
  fix: 'dispose the handle (await handle.dispose()) or use a locator (page.locator(), locator.waitFor()), which holds nothing',
};

const DEVTOOLS_HANDLE: HarnessHolder = {
  kind: 'devtools-handle',
  text:
    'the test harness, not the app: a DevTools protocol handle, such as a Playwright JSHandle ' +
    '(page.evaluateHandle()), an object logged with console.log, the Console\'s $_, or an instance ' +
    'the Trackables panel revealed in the Console',
  fix: 'dispose JSHandles (await handle.dispose()), do not log app objects during the check, and clear the Console (console.clear())',
};

/** The harness holder of a path whose first held object is `held` (an object a handle points at). */
export function harnessHolder(s: HeapSnapshot, held: number): HarnessHolder {
  return s.typeOf(held) === 'native' && s.nameOf(held).replace(/^Detached /, '').startsWith('<') ? ELEMENT_HANDLE : DEVTOOLS_HANDLE;
}
