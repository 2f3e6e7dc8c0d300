// The postMessage protocol between the host page (sdk.ts) and the widget frame (frame.ts).
// Every message is an object {source: 'hudhud-widget', type, ...}; anything else is ignored.

export const SOURCE = 'hudhud-widget';

export interface UserInfo {
  identifier_hash?: string;
  name?: string;
  email?: string;
  phone?: string;
}

export type HostToFrame =
  | { source: typeof SOURCE; type: 'setUser'; identifier: string; user: UserInfo }
  | { source: typeof SOURCE; type: 'setLocale'; locale: string }
  | { source: typeof SOURCE; type: 'reset' }
  | { source: typeof SOURCE; type: 'opened' };

export type FrameToHost =
  | { source: typeof SOURCE; type: 'ready' }
  | { source: typeof SOURCE; type: 'close' }
  | { source: typeof SOURCE; type: 'config'; color: string; dir: 'ltr' | 'rtl'; label: string }
  | { source: typeof SOURCE; type: 'unread'; count: number }
  | { source: typeof SOURCE; type: 'message'; data: unknown }
  | { source: typeof SOURCE; type: 'error'; message: string };

export function isProtocolMessage(data: unknown): data is { source: string; type: string } {
  return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === SOURCE;
}

// A protocol message as written by its sender (the source tag is added when posting).
export type Unsourced<T> = T extends unknown ? Omit<T, 'source'> : never;
