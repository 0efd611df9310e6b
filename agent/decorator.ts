import { isTracked, startTracking } from './track.js';
import type { TrackedClass } from './tracker-protocol.js';

/** Options of {@link trackable}. */
export interface TrackableDecoratorOptions {
  /** The name instances are reported under (default: the class name; minifiers rename classes). */
  name?: string;
}

// Any class, abstract ones included: the decorator only ever extends it.
type AnyClass = abstract new (...args: any[]) => object;

/**
 * A class decorator that tracks every instance, as if the class extended `Trackable`, while its
 * declared superclass stays what it is (`LitElement`, a library's base class). Works as a
 * standard (TypeScript 5+) decorator and as a legacy `experimentalDecorators` one (Lit's
 * documentation uses those). Read an instance's serial, bundle and tracker with
 * `getTrackerSerial(obj)`, `setDataBundle(obj, …)` and the other functions beside `track`.
 *
 * ```ts
 * @customElement('todo-item')
 * @trackable()
 * class TodoItem extends LitElement {}
 * ```
 *
 * How it works, and what follows from it:
 * - It returns a subclass of the decorated class, with the same name, whose constructor tracks
 *   `this` once the decorated constructor has run. Put it closest to the class, below decorators
 *   that register the class (`@customElement`), so that they register the tracked class.
 * - The type is the class `new` was called on, as for `Trackable`: an undecorated subclass of a
 *   decorated class is tracked under its own name. A decorated class extending a decorated class
 *   is tracked once, under the subclass (the class `new` was called on).
 * - Static methods that read a static `#private` member through the class name or `this`
 *   (`static #count = 0; static next() { return Foo.#count++; }`) throw a TypeError: the name and
 *   `this` are the returned subclass, which has no such member. Instance `#private` members work.
 * - `name` becomes the returned class's own static `trackingName`.
 */
export function trackable(options: TrackableDecoratorOptions = {}): <C extends AnyClass>(value: C, context?: ClassDecoratorContext<C>) => C {
  const name = options.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new TypeError('Trackables: @trackable({ name }) takes a non-empty string.');
  }
  // One function serves both forms: a legacy decorator is called with the class alone, a
  // standard one with the class and a context whose kind is 'class'.
  return <C extends AnyClass>(value: C, context?: ClassDecoratorContext<C>): C => {
    if (typeof value !== 'function') throw new TypeError('Trackables: @trackable() decorates classes.');
    if (context !== undefined && context.kind !== 'class') {
      throw new TypeError(`Trackables: @trackable() decorates classes, not a ${String(context.kind)}.`);
    }
    const Base = value as unknown as new (...args: any[]) => object;
    class TrackedByDecorator extends Base {
      constructor(...args: any[]) {
        super(...args);
        // A decorated superclass's constructor finished first and already tracked `this`.
        if (!isTracked(this)) startTracking(this, new.target as TrackedClass);
      }
    }
    Object.defineProperty(TrackedByDecorator, 'name', { value: value.name });
    if (name !== undefined) Object.defineProperty(TrackedByDecorator, 'trackingName', { value: name });
    return TrackedByDecorator as unknown as C;
  };
}
