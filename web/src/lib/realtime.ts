import { useEffect, useRef } from 'preact/hooks';
import type { Id } from '../api/types';
import { SeqCursor, subscribeMessage } from './seq';
import { createStore } from './store';

/**
 * The dashboard's WebSocket (/api/v1/ws, docs/api.md "Real time"): one connection per tab,
 * subscribed to one workspace, reconnecting with backoff. Listeners get every event of that
 * workspace once, in order. After a reconnect the client subscribes with `since` (the last
 * `seq` it saw) and the server replays what was missed; only when it cannot (or the client has
 * no number yet) do listeners get `{event: 'resync'}` and re-read what they show.
 */
export interface RealtimeEvent {
  event: string;
  workspace_id?: Id;
  data: Record<string, unknown>;
}

export type ConnectionState = 'connecting' | 'online' | 'offline';

export const connectionState = createStore<ConnectionState>('offline');

type Listener = (e: RealtimeEvent) => void;

let socket: WebSocket | null = null;
let workspace: Id | null = null;
let listeners = new Set<Listener>();
let retry = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let pingTimer: ReturnType<typeof setInterval> | null = null;
let everConnected = false;
/** The last journaled event's number seen for `workspace`. */
const cursor = new SeqCursor();

function url(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/v1/ws`;
}

function emit(e: RealtimeEvent): void {
  for (const l of [...listeners]) {
    try {
      l(e);
    } catch (err) {
      console.error('realtime listener failed', err);
    }
  }
}

function open(): void {
  if (workspace === null) return;
  connectionState.set('connecting');
  const ws = new WebSocket(url());
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    ws.send(JSON.stringify(subscribeMessage(workspace as Id, everConnected ? cursor.last : null)));
    pingTimer = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
    }, 25_000);
  };
  ws.onmessage = (m) => {
    let msg: {
      type?: string;
      event?: string;
      workspace_id?: Id;
      seq?: number;
      data?: Record<string, unknown>;
    };
    try {
      msg = JSON.parse(String(m.data));
    } catch {
      return;
    }
    if (msg.type === 'subscribed') {
      connectionState.set('online');
      // Without a number to resume from, what happened while offline is unknown: re-read.
      if (everConnected && cursor.last === null) emit({ event: 'resync', data: {} });
      everConnected = true;
    } else if (msg.type === 'resync' && String(msg.workspace_id) === String(workspace)) {
      // The server could not replay (too much missed, pruned): re-read, then carry on live.
      emit({ event: 'resync', data: {} });
    } else if (msg.type === 'event' && msg.event && String(msg.workspace_id) === String(workspace)) {
      if (!cursor.accept(msg.seq)) return;
      emit({ event: msg.event, workspace_id: msg.workspace_id, data: msg.data ?? {} });
    }
  };
  ws.onclose = () => {
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    if (socket !== ws) return;
    socket = null;
    connectionState.set('offline');
    if (workspace === null) return;
    const delay = Math.min(15_000, 500 * 2 ** retry) * (0.75 + Math.random() * 0.5);
    retry++;
    retryTimer = setTimeout(open, delay);
  };
}

function close(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  const s = socket;
  socket = null;
  s?.close();
  connectionState.set('offline');
}

/** Listens to `workspaceId`'s events until the returned function is called. */
export function subscribeWorkspace(workspaceId: Id, listener: Listener): () => void {
  if (workspace === null || String(workspace) !== String(workspaceId)) {
    close();
    workspace = workspaceId;
    everConnected = false;
    cursor.reset();
    listeners = new Set();
    open();
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      workspace = null;
      close();
    }
  };
}

/**
 * Calls `onEvent` for each of the workspace's events while the component is mounted. The handler
 * is read through a ref, so re-renders never re-subscribe (which would drop the socket), and it
 * always sees the component's current state.
 */
export function useWorkspaceEvents(workspaceId: Id | null, onEvent: Listener): void {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  useEffect(() => (workspaceId === null ? undefined : subscribeWorkspace(workspaceId, (e) => ref.current(e))), [workspaceId]);
}

/** Tells the customer (Web Chat) that the agent is or stopped typing in a conversation. */
export function sendTyping(conversationId: Id, on: boolean): void {
  if (!socket || socket.readyState !== WebSocket.OPEN || workspace === null) return;
  socket.send(
    JSON.stringify({
      type: 'typing',
      workspace_id: Number(workspace) || workspace,
      conversation_id: Number(conversationId) || conversationId,
      on,
    }),
  );
}
