// The Firefox manifest, derived from extension/manifest.json (the one source of truth) by
// scripts/build.mjs. Firefox runs no extension service worker: its MV3 background is an event
// page (`background.scripts`), which runs the same worker.js, since that uses nothing a
// service worker has and a page lacks. A gecko id is required for an MV3 add-on and keeps
// storage and the moz-extension UUID of a temporary install the same across reloads.

/** The add-on id Firefox knows Trackables by. */
export const GECKO_ID = 'devtools@trackables';

/**
 * Oldest Firefox the build supports: the manifest's data_collection_permissions (140), which
 * Mozilla asks every new add-on for; storage.session (115) and content scripts'
 * match_origin_as_fallback (128) are older. 140 is an ESR.
 */
export const FIREFOX_MIN_VERSION = '140.0';

/** @param {Record<string, any>} manifest the Chrome manifest @returns {Record<string, any>} */
export function firefoxManifest(manifest) {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = manifest;
  if (typeof background?.service_worker !== 'string') throw new Error('manifest.json: expected background.service_worker');
  return {
    ...rest,
    background: { scripts: [background.service_worker] },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        // Trackables sends nothing anywhere: what the page reports stays in the browser.
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}
