/** Runs `flush` once, soon; the browser default is the next animation frame. */
export type Schedule = (flush: () => void) => void;

/**
 * Tells subscribers that the store changed, at most once per scheduled flush however many
 * messages arrived in between: at 50,000 events a second, views redraw once per frame, not
 * once per message.
 */
export class FrameNotifier {
  readonly #listeners = new Set<() => void>();
  readonly #schedule: Schedule;
  #pending = false;
  #version = 0;

  constructor(schedule: Schedule) {
    this.#schedule = schedule;
  }

  /** Changes with every flush: what useSyncExternalStore compares. */
  get version(): number {
    return this.#version;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  changed(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#schedule(this.#flush);
  }

  readonly #flush = (): void => {
    this.#pending = false;
    this.#version++;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        // One broken view must not stop the others from updating.
        console.error(error);
      }
    }
  };
}

/**
 * The next animation frame, or a timer when frames do not come (a panel in a background tab
 * gets no frames, yet its counts should be current when it is looked at).
 */
export const nextFrame: Schedule = (flush) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, 250);
};
