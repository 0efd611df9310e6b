import { trackingNameOf, type TrackedClass, type TrackerProtocol } from '../tracker-protocol.js';

export type EventName = 'attached' | 'detached' | 'updated' | 'released' | 'destroyed';

export interface RecordedEvent {
  event: EventName;
  serial: number;
  type: TrackedClass;
  bundle: unknown;
}

/** A tracker that records every notification, in order, for assertions. */
export class Recorder implements TrackerProtocol {
  readonly events: RecordedEvent[] = [];

  notifyAttached(serial: number, type: TrackedClass, bundle: unknown): void {
    this.events.push({ event: 'attached', serial, type, bundle });
  }

  notifyDetached(serial: number, type: TrackedClass, bundle: unknown): void {
    this.events.push({ event: 'detached', serial, type, bundle });
  }

  notifyUpdated(serial: number, type: TrackedClass, bundle: unknown): void {
    this.events.push({ event: 'updated', serial, type, bundle });
  }

  notifyReleased(serial: number, type: TrackedClass, bundle: unknown): void {
    this.events.push({ event: 'released', serial, type, bundle });
  }

  notifyDestroyed(serial: number, type: TrackedClass, bundle: unknown): void {
    this.events.push({ event: 'destroyed', serial, type, bundle });
  }

  /** Events about one instance, as compact tuples: [event, type name, bundle]. */
  of(serial: number): [EventName, string, unknown][] {
    return this.events.filter((e) => e.serial === serial).map((e) => [e.event, trackingNameOf(e.type), e.bundle]);
  }

  destroyed(serial: number): RecordedEvent[] {
    return this.events.filter((e) => e.event === 'destroyed' && e.serial === serial);
  }

  clear(): void {
    this.events.length = 0;
  }
}
