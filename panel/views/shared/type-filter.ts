/** Whether a type name contains the toolbar's filter, in any case, ignoring surrounding blanks. */
export function matchesFilter(type: string, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === '' || type.toLowerCase().includes(needle);
}
