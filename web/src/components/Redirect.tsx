import { useEffect } from 'preact/hooks';
import { navigate } from '../lib/router';

/** Replaces the current history entry with `to` after rendering. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
