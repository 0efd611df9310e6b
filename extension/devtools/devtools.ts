import browser from 'webextension-polyfill';

// DevTools page: adds the Trackables panel. The panel page finds its tab itself
// (chrome.devtools.inspectedWindow.tabId).
browser.devtools.panels.create('Trackables', '', 'panel.html').catch((error: unknown) => console.error('Trackables: could not create the panel', error));
