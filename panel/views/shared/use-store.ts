import { useSyncExternalStore } from 'react';
import type { PanelStore } from '../../store/panel-store.js';

/** Re-renders the calling view whenever the store flushes its changes (at most once a frame). */
export function useStore(store: PanelStore): number {
  return useSyncExternalStore(store.subscribe, store.getVersion);
}
