/**
 * Applies the decisions of security.ts to every web contents and to the session:
 * no navigation away from the app, no new windows, no webviews, no permissions, and
 * https links handed to the system browser.
 */
import type { Session, WebContents } from 'electron';
import { decideNavigation, decidePermission, decideWindowOpen, securityHeaders } from './security';

export function guardWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const onNavigate = (event: { preventDefault(): void; url: string }): void => {
    const decision = decideNavigation(event.url);
    if (decision.allow) return;
    event.preventDefault();
    if (decision.openExternal) openExternal(decision.openExternal);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-frame-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternal) openExternal(decision.openExternal);
    return { action: 'deny' };
  });
}

export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermission(permission, requestingOrigin),
  );
  // The app:// handler already sends these; this covers anything else the session loads.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, ...headerLists(securityHeaders()) } });
  });
}

function headerLists(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
}
