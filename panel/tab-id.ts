/**
 * The tab the panel shows: `?tabId=N` when opened as an extension page (tests, a pinned tab),
 * else the tab DevTools inspects. Null when neither says.
 */
export function panelTabId(search: string, inspectedTabId: number | undefined): number | null {
  const fromQuery = new URLSearchParams(search).get('tabId');
  if (fromQuery !== null && /^\d+$/.test(fromQuery)) return Number(fromQuery);
  return inspectedTabId ?? null;
}
