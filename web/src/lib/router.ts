import type { TargetedMouseEvent } from 'preact';
import { createStore } from './store';

/**
 * A minimal History-API router. The server answers every non-API path with index.html, so any
 * path here is also a deep link.
 */
export interface Location {
  path: string;
  query: URLSearchParams;
}

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export const location = createStore<Location>(read());

window.addEventListener('popstate', () => location.set(read()));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, window.location.origin);
  const current = window.location.pathname + window.location.search;
  if (target.pathname + target.search !== current) {
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
  }
  location.set(read());
}

export function useLocation(): Location {
  return location.use();
}

/**
 * Matches `pattern` (e.g. "/w/:ws/contacts") against `path` as a prefix at a segment boundary.
 * Returns the named parameters and whatever follows the match as `rest` (without a leading '/').
 */
export function matchPath(
  pattern: string,
  path: string,
): { params: Record<string, string>; rest: string } | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (have.length < want.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return { params, rest: have.slice(want.length).join('/') };
}

/** Intercepts plain left clicks on an in-app link and routes without reloading. */
export function onLinkClick(event: TargetedMouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.currentTarget;
  if (a.target && a.target !== '_self') return;
  const url = new URL(a.href);
  if (url.origin !== window.location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
