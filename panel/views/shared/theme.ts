import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';

/**
 * Inside DevTools the panel follows DevTools' own theme setting (Chrome reports it as 'dark' or
 * 'default'); opened as a plain extension page, the system's preference.
 */
function devtoolsTheme(): Theme | null {
  const name = typeof chrome === 'undefined' ? undefined : chrome.devtools?.panels?.themeName;
  return name === undefined ? null : name === 'dark' ? 'dark' : 'light';
}

const darkQuery = (): MediaQueryList => matchMedia('(prefers-color-scheme: dark)');

function subscribe(changed: () => void): () => void {
  if (devtoolsTheme() !== null) return () => {};
  const query = darkQuery();
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
}

function current(): Theme {
  return devtoolsTheme() ?? (darkQuery().matches ? 'dark' : 'light');
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, current);
}
