/*
 * "Reveal in Console": evaluates, in the inspected page, a lookup through the agent's DevTools
 * hook (agent/post-message/devtools-hook.ts) that logs the instance with a label and hands it to
 * the Console's inspect(). The one place the panel calls chrome.devtools, so the views and the
 * store stay testable anywhere.
 */
import { DEVTOOLS_HOOK } from '../agent/protocol/messages.js';

/** What eval's callback gets besides the result (chrome.devtools.inspectedWindow.EvaluationExceptionInfo). */
export interface EvalExceptionInfo {
  isError?: boolean;
  code?: string;
  description?: string;
  details?: unknown[];
  isException?: boolean;
  value?: string;
}

/** The part of chrome.devtools.inspectedWindow reveal uses. */
export interface InspectedWindow {
  readonly tabId: number;
  eval(expression: string, options: { frameURL?: string }, callback: (result: unknown, exceptionInfo?: EvalExceptionInfo) => void): void;
}

/** The inspected window when the panel runs inside DevTools, else null (a tab, the viewer). */
export function inspectedWindow(): InspectedWindow | null {
  try {
    const host = globalThis as { chrome?: { devtools?: { inspectedWindow?: InspectedWindow } } };
    return host.chrome?.devtools?.inspectedWindow ?? null;
  } catch {
    return null;
  }
}

/** One instance to reveal, as the panel knows it. */
export interface RevealRequest {
  /** The agent's session id (from the protocol envelope). */
  session: string;
  serial: number;
  /** The name the type is reported under. */
  type: string;
  /** The frame's URL for an instance of an iframe; undefined for the top frame. */
  frameUrl?: string;
}

export type RevealOutcome =
  | { kind: 'revealed' }
  /** Lookup covers it, but it is gone: garbage-collected. */
  | { kind: 'collected' }
  /** The page did not turn lookup on for the type (or turned it on after the instance was made). */
  | { kind: 'not-kept' }
  /** The page has a hook, but not this agent session: reloaded, navigated, or the tracker disposed. */
  | { kind: 'unknown-session' }
  /** No Trackables hook in the page: it runs no agent now, or an agent without the hook, or holds its own value under the name. */
  | { kind: 'no-hook' }
  /** The instance is in an iframe, and this browser's DevTools cannot evaluate there (Firefox's eval has no frameURL). */
  | { kind: 'frame-unsupported' }
  | { kind: 'failed'; message: string };

/** The text logged before the instance, so the Console line says what it is. */
export function revealLabel(type: string, serial: number): string {
  return `Trackables: ${type} #${serial}`;
}

/**
 * The expression evaluated in the page. It returns a status string (eval's result must be
 * JSON); every value from the request is embedded as a JSON literal, so page-chosen type names
 * cannot break out. `inspect` is the Console's, in scope while eval runs.
 */
export function revealExpression(request: RevealRequest): string {
  const args = [request.session, request.serial, request.type].map((value) => JSON.stringify(value)).join(', ');
  // A browser that ignores frameURL evaluates in the top frame, whose agent is another one: the
  // frame's own URL is the proof of where this runs.
  const frameCheck = request.frameUrl === undefined ? '' : `  if (location.href !== ${JSON.stringify(request.frameUrl)}) return "frame-unsupported";\n`;
  return `(() => {
${frameCheck}  const hook = globalThis[${JSON.stringify(DEVTOOLS_HOOK)}];
  if (typeof hook !== "object" || hook === null || typeof hook.find !== "function") return "no-hook";
  const found = hook.find(${args});
  const status = typeof found === "object" && found !== null ? found.status : undefined;
  if (status === "error") return "error: " + String(found.message);
  if (status !== "found") return typeof status === "string" ? status : "no-hook";
  console.log(${JSON.stringify(revealLabel(request.type, request.serial))}, found.instance);
  inspect(found.instance);
  return "revealed";
})()`;
}

const ANSWERS = new Set(['revealed', 'collected', 'not-kept', 'unknown-session', 'no-hook', 'frame-unsupported']);

/** Reveals the instance through `window.eval`; never throws, every failure is an outcome. */
export function reveal(window: InspectedWindow, request: RevealRequest): Promise<RevealOutcome> {
  return new Promise((resolve) => {
    try {
      const options = request.frameUrl === undefined ? {} : { frameURL: request.frameUrl };
      window.eval(revealExpression(request), options, (result, exceptionInfo) => resolve(outcomeOf(result, exceptionInfo, request.frameUrl !== undefined)));
    } catch (error) {
      resolve({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * How a DevTools that cannot evaluate in a chosen frame refuses the frameURL option. Firefox 153
 * (measured): `{ isError: true, code: 'E_PROTOCOLERROR', description: 'Inspector protocol error: %s',
 * details: ['The inspectedWindow.eval options are currently not supported'] }`.
 */
const OPTIONS_REFUSED = /frameURL|options are (currently )?not supported/i;

function outcomeOf(result: unknown, info: EvalExceptionInfo | undefined, frameRequest: boolean): RevealOutcome {
  if (info?.isException === true) return { kind: 'failed', message: `the page threw: ${info.value ?? 'an exception'}` };
  if (info?.isError === true) {
    if (frameRequest && OPTIONS_REFUSED.test(devtoolsError(info))) return { kind: 'frame-unsupported' };
    return { kind: 'failed', message: `DevTools could not evaluate in the page: ${devtoolsError(info)}` };
  }
  if (typeof result === 'string' && ANSWERS.has(result)) return { kind: result } as RevealOutcome;
  if (typeof result === 'string' && result.startsWith('error: ')) return { kind: 'failed', message: `looking it up threw: ${result.slice(7)}` };
  return { kind: 'failed', message: `the page answered ${typeof result === 'string' ? `“${result}”` : typeof result}` };
}

/** DevTools' error description with its %s placeholders filled from `details`. */
function devtoolsError(info: EvalExceptionInfo): string {
  const details = Array.isArray(info.details) ? info.details : [];
  let index = 0;
  const text = typeof info.description === 'string' ? info.description.replace(/%s/g, () => String(details[index++] ?? '')) : '';
  return text || info.code || 'unknown error';
}
