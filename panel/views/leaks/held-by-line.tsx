import type { InstanceKey, PanelStore } from '../../store/panel-store.js';

/** The first line of a recorded path, for a list entry (Leak suspects); nothing when there is none. */
export function HeldByLine({ store, selection }: { store: PanelStore; selection: InstanceKey }) {
  const retainer = store.heldBy(selection);
  if (retainer === undefined || retainer === null) return null;
  const text = retainer.harness !== undefined ? 'the test harness' : (retainer.lines[0] ?? '');
  return <span className="held-by-line">held by {text}{retainer.lines.length > 1 ? ' …' : ''}</span>;
}
