import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import type { ContactSummary, Conversation, Id, Inbox, Label, Member, Team, User } from '../../api/types';
import { Icon, type IconName } from '../../components/Icon';
import { formatNumber, formatTimestamp, locale, microsToDate, t } from '../../i18n';
import { connectionState } from '../../lib/realtime';
import { relativeParts, sizeParts } from './logic';

/** Server features the inbox uses when they are there; a 404/405 hides their controls. */
export type Feature = 'status' | 'assign' | 'labels' | 'priority' | 'counts' | 'canned' | 'search' | 'teams' | 'templates';

export interface InboxContext {
  workspaceId: Id;
  me: User | null;
  inboxes: Inbox[];
  members: Member[];
  teams: Team[];
  labels: Label[];
  contacts: Record<string, ContactSummary>;
  missing: Set<Feature>;
  markMissing: (f: Feature) => void;
}

/** The route is not on this server (yet): not found, or the path exists without that method. */
export function isMissing(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 405 || (err.status === 404 && err.code === 'not_found'));
}

export function contactOf(c: Conversation, contacts: Record<string, ContactSummary>): ContactSummary | undefined {
  return c.contact ?? contacts[String(c.contact_id)];
}

export function contactName(c: Conversation, contacts: Record<string, ContactSummary>): string {
  const k = contactOf(c, contacts);
  return k?.name || k?.phone_e164 || k?.email || t('inbox.unknownContact');
}

export function inboxOf(ctx: Pick<InboxContext, 'inboxes'>, id: Id): Inbox | undefined {
  return ctx.inboxes.find((i) => String(i.id) === String(id));
}

export function memberName(ctx: Pick<InboxContext, 'members'>, id: Id | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  return ctx.members.find((m) => String(m.user_id) === String(id))?.name ?? null;
}

const CHANNEL_ICONS: Record<string, IconName> = {
  whatsapp: 'whatsapp',
  messenger: 'messenger',
  instagram: 'instagram',
  telegram: 'telegram',
  tiktok: 'tiktok',
  webchat: 'globe',
  api: 'code',
};

export function ChannelIcon({ kind, size = 14 }: { kind: string | undefined; size?: number }) {
  const label = kind ? channelLabel(kind) : '';
  return (
    <span class={`ib-channel ib-channel-${kind ?? 'unknown'}`} title={label} role="img" aria-label={label}>
      <Icon name={CHANNEL_ICONS[kind ?? ''] ?? 'message'} size={size} />
    </span>
  );
}

export function channelLabel(kind: string): string {
  const key = `channel.${kind}` as 'channel.whatsapp';
  const label = t(key);
  return label === key ? kind : label;
}

/** A clock that re-renders its user every `ms` (relative times). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

const relFormatters = new Map<string, Intl.RelativeTimeFormat>();

/** "5 min ago" / "قبل ٥ دقائق", with the full time as its tooltip. */
export function RelativeTime({ micros, now }: { micros: number; now: number }) {
  const ms = Math.floor(micros / 1000);
  const parts = relativeParts(ms, now);
  let text: string;
  if (parts.unit === 'now') text = t('inbox.time.now');
  else if (parts.unit === 'date') {
    text = new Intl.DateTimeFormat(locale.get(), { month: 'short', day: 'numeric' }).format(new Date(ms));
  } else {
    let f = relFormatters.get(locale.get());
    if (!f) {
      f = new Intl.RelativeTimeFormat(locale.get(), { numeric: 'auto', style: 'narrow' });
      relFormatters.set(locale.get(), f);
    }
    text = f.format(-parts.value, parts.unit);
  }
  return (
    <time dateTime={microsToDate(micros).toISOString()} title={formatTimestamp(micros)}>
      {text}
    </time>
  );
}

export function formatSize(bytes: number): string {
  const p = sizeParts(bytes);
  return t(`inbox.size.${p.unit}` as 'inbox.size.B', { n: p.value });
}

export { formatNumber };

/** "Live" / "Connecting…" / "Offline — reconnecting": the state of the inbox's WebSocket. */
export function ConnectionStatus() {
  const conn = connectionState.use();
  return (
    <span class={`ib-conn ib-conn-${conn}`} role="status" data-connection={conn}>
      <span class="ib-conn-dot" aria-hidden="true" />
      {t(`inbox.connection.${conn}`)}
    </span>
  );
}
