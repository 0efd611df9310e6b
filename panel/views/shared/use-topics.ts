import { useCallback, useSyncExternalStore } from 'react';

/** What a PanelStore and a ViewState both are: topics to subscribe to, each with a version. */
export interface Topics<T extends string> {
  subscribe(topic: T, listener: () => void): () => void;
  version(topic: T): number;
}

/**
 * Re-renders the calling view when any of `topics` changes (the store tells at most once an
 * animation frame), and only then: a view subscribes to what it reads.
 */
export function useTopics<T extends string>(source: Topics<T>, topics: readonly T[]): void {
  const key = topics.join('\n');
  const subscribe = useCallback(
    (listener: () => void) => {
      const unsubscribe = key === '' ? [] : key.split('\n').map((topic) => source.subscribe(topic as T, listener));
      return () => unsubscribe.forEach((stop) => stop());
    },
    [source, key],
  );
  // Versions only grow, so their sum moves whenever one of them does.
  useSyncExternalStore(subscribe, () => topics.reduce((sum, topic) => sum + source.version(topic), 0));
}
