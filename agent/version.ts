// Written from package.json by the build (scripts/version.mjs); a unit test checks they agree.
/** This package's version, as in its package.json. */
export const VERSION = '0.1.0';

/** The version as an integer, major × 100 + minor (pytracker's `version()`: 1.5.x → 105). */
export function version(): number {
  const [major = 0, minor = 0] = VERSION.split('.').map(Number);
  return major * 100 + minor;
}
