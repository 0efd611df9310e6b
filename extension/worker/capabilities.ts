import type { PanelCapabilitiesQuery, WorkerCapabilities } from '../../agent/protocol/messages.js';
import { checkCapabilitiesQuery } from '../../agent/protocol/validate.js';

/** The part of browser.permissions this uses. */
export interface PermissionsLike {
  contains(permissions: { origins?: string[]; permissions?: string[] }): Promise<boolean>;
}

/** Whether a runtime message is a panel's capabilities query (checked by its schema in messages.ts). */
export function isCapabilitiesQuery(message: unknown): message is PanelCapabilitiesQuery {
  return checkCapabilitiesQuery(message).ok;
}

/**
 * What this extension may do in this browser, probed rather than read from the user agent:
 * host access to every site (the content script's matches), and whether "debugger" is a
 * permission the browser knows (Firefox rejects the name as invalid; Chrome answers).
 */
export async function capabilities(permissions: PermissionsLike): Promise<WorkerCapabilities> {
  const allSites = await permissions.contains({ origins: ['<all_urls>'] }).catch(() => false);
  let debuggerPermission: boolean;
  try {
    await permissions.contains({ permissions: ['debugger'] });
    debuggerPermission = true;
  } catch {
    // Firefox throws synchronously (schema validation), others may reject: either way unknown.
    debuggerPermission = false;
  }
  return { kind: 'capabilities', allSites, debuggerPermission };
}
