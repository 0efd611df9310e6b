/** The package version (kept equal to package.json's by a unit test). */
export const VERSION = '0.1.0';

/** The version as an integer, major × 100 + minor (pytracker's `version()`: 1.5.x → 105). */
export function version(): number {
  const [major = 0, minor = 0] = VERSION.split('.').map(Number);
  return major * 100 + minor;
}
