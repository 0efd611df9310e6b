import { useEffect, useRef, useState } from 'react';
import { startTimer, stopTimer } from '../post-message/host.js';
import { isTracked, release, setDataBundle, track } from '../track.js';

/**
 * The object tracked for one mounted component instance. It lives in the component's hook state,
 * so it is collected with that state: when the component has unmounted and nothing holds its
 * state any more.
 */
class MountedComponent {}

const NO_BUNDLE: unique symbol = Symbol('no bundle yet');

/**
 * Tracks each mounted instance of the calling function component as one instance of type `name`,
 * with `bundle` as its data bundle (set again whenever it changes, compared shallowly: a new
 * object with the same own values is no change).
 *
 * - Tracked when React commits the mount, so renders React throws away (StrictMode's second
 *   render, a suspended first render, an abandoned transition) track nothing; StrictMode's
 *   simulated unmount and remount keep the one instance.
 * - Released (see `release`) when the component unmounts, and destroyed once its hook state is
 *   garbage-collected, when nothing holds it. A component whose state is held after unmount (a
 *   leaked closure capturing the object this returns, its state, or a ref) stays live and
 *   released: that is the leak the panel's Leak suspects ("released, not collected") and
 *   `expectNoLeaks` show. StrictMode's simulated unmount releases nothing.
 *
 * ```tsx
 * function TodoList({ todos }: { todos: Todo[] }) {
 *   useTrackable('TodoList', { count: todos.length });
 *   …
 * }
 * ```
 *
 * @returns The tracked object, for `getTrackerSerial` and friends.
 */
export function useTrackable(name: string, bundle?: unknown): object {
  const [component] = useState(newComponent);
  const shown = useRef<unknown>(NO_BUNDLE);
  const pendingRelease = useRef<unknown>(undefined);
  useEffect(() => {
    if (!isTracked(component)) track(component, { type: name });
    if (shown.current === NO_BUNDLE ? bundle !== undefined : !shallowEqual(shown.current, bundle)) {
      setDataBundle(component, bundle);
      shown.current = bundle;
    }
  });
  useEffect(() => {
    // StrictMode's simulated unmount runs this cleanup and then the effect again at once: the
    // release waits a task, and the effect running again takes it back.
    stopTimer(pendingRelease.current);
    return () => {
      pendingRelease.current = startTimer(() => release(component), 0);
    };
  }, [component]);
  return component;
}

function newComponent(): MountedComponent {
  return new MountedComponent();
}

/** Same value, or plain objects or arrays with the same own enumerable keys and values. */
function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
