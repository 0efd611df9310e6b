/*
 * Which CDP session can see a frame's heap. The main frame and the iframes of its renderer
 * process share one V8 heap, seen through the page's session; an out-of-process iframe (another
 * site, under site isolation) has a heap and a session of its own. Playwright opens a session
 * for a frame only when it has one of its own, and says so otherwise.
 */
import type { CDPSession, Frame, Page } from '@playwright/test';

/** Where to look for a frame's objects. */
export type FrameHeap =
  /** `own`: a session opened for an out-of-process frame, for the caller to detach. */
  | { cdp: CDPSession; own: boolean }
  /** No session reaches the frame's heap: why, in words. */
  | { inaccessible: string };

const SHARED_SESSION = /does not have a separate CDP session/;

/**
 * The session whose heap holds `frame`'s objects (`pageCdp()` for the main frame, a frame sharing
 * its process, and a frame already gone: a removed iframe's window may well still be in the
 * page's heap, which is then the leak).
 */
export async function frameHeap(page: Page, frame: Frame | undefined, pageCdp: () => Promise<CDPSession>): Promise<FrameHeap> {
  // A same-process frame inside an out-of-process one lives in that one's heap: walk up.
  for (let current = frame; current !== undefined && current !== null && current !== page.mainFrame() && !current.isDetached(); current = current.parentFrame() ?? undefined) {
    try {
      return { cdp: await page.context().newCDPSession(current), own: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (SHARED_SESSION.test(message)) continue;
      return { inaccessible: `its out-of-process iframe (${current.url()}) cannot be reached over the DevTools protocol: ${message}` };
    }
  }
  return { cdp: await pageCdp(), own: false };
}
