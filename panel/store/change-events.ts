/** Runs `flush` once, soon; the browser default is the next animation frame. */
export type Schedule = (flush: () => void) => void;

/**
 * Tells each topic's subscribers that it changed, at most once per scheduled flush however many
 * changes arrived in between: at 50,000 events a second, a view redraws once per animation frame,
 * not once per message, and only when what it reads changed. Each topic's version (what
 * useSyncExternalStore compares) moves on with every flush that changed it.
 */
export class ChangeEvents<Topic extends string> {
  readonly #listeners = new Map<Topic, Set<() => void>>();
  readonly #versions = new Map<Topic, number>();
  readonly #changed = new Set<Topic>();
  readonly #schedule: Schedule;
  #pending = false;

  constructor(schedule: Schedule) {
    this.#schedule = schedule;
  }

  /** Flushes that changed `topic` so far. */
  version(topic: Topic): number {
    return this.#versions.get(topic) ?? 0;
  }

  subscribe(topic: Topic, listener: () => void): () => void {
    let listeners = this.#listeners.get(topic);
    if (listeners === undefined) this.#listeners.set(topic, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(topic) === listeners) this.#listeners.delete(topic);
    };
  }

  changed(topic: Topic): void {
    this.#changed.add(topic);
    if (this.#pending) return;
    this.#pending = true;
    this.#schedule(this.#flush);
  }

  readonly #flush = (): void => {
    this.#pending = false;
    const topics = [...this.#changed];
    this.#changed.clear();
    for (const topic of topics) this.#versions.set(topic, this.version(topic) + 1);
    for (const topic of topics) {
      for (const listener of [...(this.#listeners.get(topic) ?? [])]) {
        try {
          listener();
        } catch (error) {
          // One broken view must not stop the others from updating.
          console.error(error);
        }
      }
    }
  };
}

/**
 * The next animation frame, or a timer when frames do not come (a panel in a background tab
 * gets no frames, yet its counts should be current when it is looked at).
 */
export const nextAnimationFrame: Schedule = (flush) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(request);
    clearTimeout(timer);
    flush();
  };
  const request = requestAnimationFrame(once);
  const timer = setTimeout(once, 250);
};
