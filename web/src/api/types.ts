/**
 * Shapes of the REST API under /api/v1, as the dashboard uses them.
 * Ids are opaque: the UI never does arithmetic on them and accepts strings or numbers.
 * Timestamps are integers: microseconds since the Unix epoch (UTC).
 */
export type Id = string | number;
export type Micros = number;
export type Locale = 'en' | 'ar';
export type Role = 'owner' | 'admin' | 'agent' | (string & {});

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface User {
  id: Id;
  name: string;
  email: string;
  locale: Locale | string;
}

export interface WorkspaceRef {
  id: Id;
  name: string;
  role: Role;
  locale?: Locale | string;
}

export interface SetupStatus {
  needs_setup: boolean;
}

export interface SetupRequest {
  workspace_name: string;
  name: string;
  email: string;
  password: string;
  locale?: Locale;
}

export interface SetupResponse {
  user: User;
  workspace: WorkspaceRef;
  /** docs/api.md: set-up answers the sign-in body plus `workspace`. */
  workspaces?: WorkspaceRef[];
  csrf_token: string;
}

export interface LoginResponse {
  user: User;
  workspaces: WorkspaceRef[];
  csrf_token: string;
}

export interface MeResponse {
  user: User;
  workspaces: WorkspaceRef[];
  csrf_token?: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Contact {
  id: Id;
  name: string;
  email: string | null;
  phone_e164: string | null;
  created_at: Micros;
}

export interface NewContact {
  name: string;
  email?: string;
  phone?: string;
}

export type Availability = 'online' | 'busy' | 'offline' | (string & {});

export interface Member {
  user_id: Id;
  name: string;
  email: string;
  role: Role;
  availability: Availability;
}

export interface Invitation {
  id: Id;
  email: string;
  role: Role;
  expires_at: Micros;
}

export interface InvitationCreated {
  invitation: Invitation;
  accept_url: string;
}

export interface ApiToken {
  id: Id;
  name: string;
  prefix: string;
  created_at: Micros;
}

export interface ApiTokenCreated {
  api_token: ApiToken;
  token: string;
}

export interface AuditEntry {
  id: Id;
  action: string;
  /** "user", "api_token", "system", ... — who acted when `actor` is null or not a person. */
  actor_kind?: string;
  actor: { id: Id; name: string } | null;
  target_type: string | null;
  target_id: Id | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Micros;
  details: unknown;
}

export interface WorkspacePatch {
  name?: string;
  locale?: Locale;
}

/* ---------- Inbox: conversations, messages, contacts, lookups (docs/api.md) ---------- */

export type ChannelKind = 'whatsapp' | 'messenger' | 'instagram' | 'telegram' | 'tiktok' | 'webchat' | 'api' | (string & {});
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved' | (string & {});
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent' | (string & {});
export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | (string & {});

export type InboxStatus = 'active' | 'needs_reconnect' | 'disconnected' | (string & {});

/** Web Chat install details (docs/api.md "Web Chat"); `hmac_token` only for admins. */
export interface WebChatInstall {
  website_token: string;
  script_url: string;
  embed_snippet: string;
  hmac_token?: string;
}

export interface Inbox {
  id: Id;
  name: string;
  channel_kind: ChannelKind;
  status: InboxStatus;
  /** The rest is what GET /inboxes answers beside; the inbox screens don't need it. */
  settings?: Record<string, unknown>;
  /** Credentials are write-only: the API only says whether some are stored. */
  has_credentials?: boolean;
  webhook_url?: string;
  webchat?: WebChatInstall;
  created_at?: Micros;
  updated_at?: Micros;
  disconnected_at?: Micros | null;
}

/** POST /inboxes; PATCH takes the same fields but channel_kind, all optional. */
export interface InboxInput {
  name?: string;
  channel_kind?: ChannelKind;
  settings?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
}

export interface ContactSummary {
  id: Id;
  name: string | null;
  email?: string | null;
  phone_e164?: string | null;
  avatar_url?: string | null;
}

export interface AttachmentRef {
  id: Id;
  kind: string;
  mime_type: string;
  file_name: string;
  size_bytes: number;
}

export interface Message {
  id: Id;
  conversation_id: Id;
  inbox_id: Id;
  direction: 'incoming' | 'outgoing' | (string & {});
  sender_kind: 'contact' | 'agent' | 'bot' | 'system' | (string & {});
  sender_id: Id | null;
  private: boolean;
  content: string;
  content_type: string;
  content_attributes: { attachments?: AttachmentRef[]; [key: string]: unknown } | null;
  status: DeliveryStatus;
  external_id: string | null;
  reply_to_id: Id | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Micros;
  updated_at: Micros;
}

export interface Conversation {
  id: Id;
  inbox_id: Id;
  contact_id: Id;
  status: ConversationStatus;
  assignee_id: Id | null;
  unread_count: number;
  last_activity_at: Micros;
  last_incoming_at: Micros | null;
  reply_window_ends_at?: Micros | null;
  created_at: Micros;
  /** Optional fields: present when the server has the feature (filters, teams, labels, priority). */
  team_id?: Id | null;
  priority?: Priority | null;
  labels?: string[];
  snoozed_until?: Micros | null;
  contact?: ContactSummary | null;
  last_message?: Message | null;
  channel_kind?: ChannelKind;
}

export interface ConversationFilter {
  status: ConversationStatus | 'all';
  inbox_id: string;
  assignee: 'me' | 'unassigned' | 'all';
}

/** GET /conversations/counts. */
export interface ConversationCounts {
  by_status?: Partial<Record<string, number>>;
  by_inbox?: Record<string, number>;
  mine?: number;
  unassigned?: number;
  unread?: { mine?: number; unassigned?: number };
}

export interface ContactIdentity {
  id: Id;
  inbox_id: Id;
  external_id: string;
  created_at: Micros;
}

export interface ContactDetail {
  id: Id;
  name: string | null;
  email: string | null;
  phone_e164: string | null;
  avatar_url?: string | null;
  locale?: string | null;
  custom_attributes?: Record<string, unknown> | null;
  created_at: Micros;
  last_activity_at?: Micros | null;
  identities?: ContactIdentity[];
}

export interface ContactNote {
  id: Id;
  contact_id: Id;
  author_id: Id | null;
  content: string;
  created_at: Micros;
}

export interface Team {
  id: Id;
  name: string;
  description?: string;
  member_ids?: Id[];
  created_at?: Micros;
}

export interface TeamInput {
  name?: string;
  description?: string;
  member_ids?: Id[];
}

export interface Label {
  id: Id;
  name: string;
  color?: string | null;
  description?: string | null;
}

export interface LabelInput {
  name?: string;
  color?: string;
  description?: string;
}

export interface CannedResponse {
  id: Id;
  short_code: string;
  content: string;
  created_at?: Micros;
  updated_at?: Micros;
}

export interface CannedResponseInput {
  short_code?: string;
  content?: string;
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  [key: string]: unknown;
}

export interface MessageTemplate {
  id: Id;
  name: string;
  language: string;
  category: string;
  status: string;
  components: TemplateComponent[];
}

export interface Attachment {
  id: Id;
  kind: string;
  mime_type: string;
  file_name: string;
  size_bytes: number;
  status: string;
}

/** What POST …/conversations/{id}/messages accepts (the shapes the dashboard sends). */
export interface OutgoingMessage {
  content?: string;
  private?: boolean;
  reply_to_id?: Id;
  attachment_id?: Id;
  template?: { name: string; language: string; components?: unknown[] };
}

/** GET /search: messages (notes included) and contacts matching every word. */
export interface SearchResults {
  messages: Message[];
  contacts: ContactDetail[];
  next_cursor: string | null;
}

export interface ConversationPatch {
  status?: ConversationStatus;
  snoozed_until?: Micros | null;
  priority?: Priority;
  assignee_id?: Id | null;
  team_id?: Id | null;
}
