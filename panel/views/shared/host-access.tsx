import { useState } from 'react';
import { requestAllSites } from '../../capabilities.js';

/**
 * Says so when the browser keeps the content script out of pages (Firefox lets the user withhold
 * an MV3 add-on's host access, and may not grant it at install): then nothing reaches the panel,
 * and an empty panel alone would look like a page without Trackables.
 * Test contract: `[data-testid="host-access"]`.
 */
export function HostAccessBanner({ onGranted }: { onGranted: () => void }) {
  const request = requestAllSites();
  const [refused, setRefused] = useState(false);
  const grant = async (): Promise<void> => {
    if (request === undefined) return;
    if (await request()) onGranted();
    else setRefused(true);
  };
  return (
    <div className="gc-banner" role="alert" data-testid="host-access">
      <div>
        <p>
          Trackables does not have access to all websites. On a site the browser has not allowed, its content script stays out of
          the page and nothing the page reports reaches this panel.
        </p>
        <p>
          To allow it in Firefox: the Extensions button (the puzzle piece) in the toolbar → Trackables → allow it on the site, or
          about:addons → Trackables → Permissions → “Access your data for all websites”. Then reload the page.
          {refused && ' (Access was not granted.)'}
        </p>
      </div>
      {request !== undefined && (
        <button type="button" onClick={() => void grant()}>
          Allow on all sites
        </button>
      )}
    </div>
  );
}
