// Which web pages may open a WebSocket: a browser sends the page's Origin with the upgrade,
// and a page from an origin not on the allow list (any site a user happens to visit) is
// refused, so it cannot use the user's browser to connect (cross-site WebSocket hijacking).
// Non-browser clients send no Origin and could claim any, so they are not judged by it.

/**
 * Whether `origin` (the header, if any) matches an allowed pattern: an exact origin such as
 * `file://` or `null`, or `scheme://host:*` for any port of that host.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (!p.endsWith(":*")) return o === p;
    const host = p.slice(0, -2);
    return o === host || (o.startsWith(`${host}:`) && /^\d{1,5}$/.test(o.slice(host.length + 1)));
  });
}
