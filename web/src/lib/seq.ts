/**
 * Sequence numbers of the real-time stream (docs/api.md "Sequence numbers and catching up"):
 * pure helpers for lib/realtime.ts, with no imports so tests can load them alone.
 */

/** The subscribe frame: with `since` when resuming after a reconnect. */
export function subscribeMessage(
  workspaceId: string | number,
  since: number | null,
): Record<string, unknown> {
  const msg: Record<string, unknown> = {
    type: 'subscribe',
    workspace_id: Number(workspaceId) || workspaceId,
  };
  if (since !== null) msg.since = since;
  return msg;
}

/** The last journaled event's number seen on a workspace's stream. */
export class SeqCursor {
  last: number | null = null;

  /**
   * Records an event's `seq`; false for one already seen (a replay overlapping what arrived
   * live). Events without a number (typing) always pass.
   */
  accept(seq: unknown): boolean {
    if (typeof seq !== 'number' || !Number.isFinite(seq)) return true;
    if (this.last !== null && seq <= this.last) return false;
    this.last = seq;
    return true;
  }

  reset(): void {
    this.last = null;
  }
}
