/**
 * A recording file's name that says what it holds: `trackables-<host>-<time>.json`, with `-all`
 * before `.json` for every listed session. The time is UTC; characters file systems dislike
 * become `-`, and the host is left out when the URL has none (file:, about:, none recorded).
 */
export function exportFileName(url: string | undefined, time: number, all = false): string {
  const host = hostOf(url);
  const stamp = new Date(time).toISOString().replace(/[:.]/g, '-');
  return `trackables-${host === '' ? '' : `${host}-`}${stamp}${all ? '-all' : ''}.json`;
}

function hostOf(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url).host.replace(/[^\w.-]/g, '-');
  } catch {
    return '';
  }
}
