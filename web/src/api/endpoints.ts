/**
 * Every REST call the dashboard makes, in one place. Keep this file in step with the server's
 * docs/api.md: the lead checks the two against each other.
 */
import { request } from './client';
import type {
  Attachment,
  Availability,
  CannedResponse,
  ContactDetail,
  ContactNote,
  SearchResults,
  Conversation,
  ConversationCounts,
  ConversationFilter,
  ConversationPatch,
  Inbox,
  InboxInput,
  Label,
  LabelInput,
  CannedResponseInput,
  TeamInput,
  Message,
  MessageTemplate,
  OutgoingMessage,
  Team,
  ApiToken,
  ApiTokenCreated,
  AuditEntry,
  Contact,
  Id,
  Invitation,
  InvitationCreated,
  Locale,
  LoginResponse,
  MeResponse,
  Member,
  NewContact,
  Page,
  Role,
  SetupRequest,
  SetupResponse,
  SetupStatus,
  WorkspacePatch,
  WorkspaceRef,
} from './types';

const enc = encodeURIComponent;
/** The URL of an attachment's bytes (same origin, cookie-authenticated). */
export function attachmentFileUrl(workspaceId: Id, attachmentId: Id): string {
  return `/api/v1/workspaces/${encodeURIComponent(String(workspaceId))}/attachments/${encodeURIComponent(String(attachmentId))}/file`;
}

const ws = (id: Id) => `/workspaces/${enc(String(id))}`;

function pageQuery(limit: number, cursor?: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/** The list query for a conversation filter: only what narrows the list is sent. */
export function conversationQuery(filter: Partial<ConversationFilter>, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (filter.status && filter.status !== 'all') q.set('status', filter.status);
  if (filter.inbox_id) q.set('inbox_id', filter.inbox_id);
  if (filter.assignee && filter.assignee !== 'all') q.set('assignee', filter.assignee);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

export const api = {
  setupStatus: () => request<SetupStatus>('GET', '/setup', undefined, { expectUnauthenticated: true }),
  setup: (body: SetupRequest) =>
    request<SetupResponse>('POST', '/setup', body, { expectUnauthenticated: true }),

  login: (email: string, password: string) =>
    request<LoginResponse>('POST', '/auth/login', { email, password }, { expectUnauthenticated: true }),
  logout: () => request<void>('POST', '/auth/logout', undefined, { expectUnauthenticated: true }),
  me: () => request<MeResponse>('GET', '/me', undefined, { expectUnauthenticated: true }),
  updateMe: (patch: { locale: Locale }) => request<unknown>('PATCH', '/me', patch),

  acceptInvitation: (token: string, name: string, password: string) =>
    request<LoginResponse>(
      'POST',
      '/invitations/accept',
      { token, name, password },
      { expectUnauthenticated: true },
    ),

  updateWorkspace: (id: Id, patch: WorkspacePatch) =>
    request<{ workspace?: WorkspaceRef } | undefined>('PATCH', ws(id), patch),

  listContacts: (id: Id, cursor?: string | null) =>
    request<Page<Contact>>('GET', `${ws(id)}/contacts?${pageQuery(50, cursor)}`),
  createContact: (id: Id, body: NewContact) =>
    request<unknown>('POST', `${ws(id)}/contacts`, body),

  listMembers: (id: Id) => request<{ data: Member[] }>('GET', `${ws(id)}/members`),
  updateMemberRole: (id: Id, userId: Id, role: Role) =>
    request<unknown>('PATCH', `${ws(id)}/members/${enc(String(userId))}`, { role }),
  removeMember: (id: Id, userId: Id) =>
    request<void>('DELETE', `${ws(id)}/members/${enc(String(userId))}`),
  /** Your own availability here; auto-assignment only picks members who are online. */
  setAvailability: (id: Id, availability: Availability) =>
    request<{ availability: Availability }>('PUT', `${ws(id)}/availability`, { availability }),

  listInvitations: (id: Id) => request<{ data: Invitation[] }>('GET', `${ws(id)}/invitations`),
  createInvitation: (id: Id, email: string, role: Role) =>
    request<InvitationCreated>('POST', `${ws(id)}/invitations`, { email, role }),
  revokeInvitation: (id: Id, invitationId: Id) =>
    request<void>('DELETE', `${ws(id)}/invitations/${enc(String(invitationId))}`),

  listApiTokens: (id: Id) => request<{ data: ApiToken[] }>('GET', `${ws(id)}/api-tokens`),
  createApiToken: (id: Id, name: string) =>
    request<ApiTokenCreated>('POST', `${ws(id)}/api-tokens`, { name }),
  revokeApiToken: (id: Id, tokenId: Id) =>
    request<void>('DELETE', `${ws(id)}/api-tokens/${enc(String(tokenId))}`),

  listInboxes: (id: Id) => request<{ data: Inbox[] }>('GET', `${ws(id)}/inboxes`),
  listTemplates: (id: Id, inboxId: Id) =>
    request<{ data: MessageTemplate[] }>('GET', `${ws(id)}/inboxes/${enc(String(inboxId))}/templates`),
  getInbox: (id: Id, inboxId: Id) =>
    request<{ inbox: Inbox }>('GET', `${ws(id)}/inboxes/${enc(String(inboxId))}`),
  createInbox: (id: Id, body: InboxInput) => request<{ inbox: Inbox }>('POST', `${ws(id)}/inboxes`, body),
  updateInbox: (id: Id, inboxId: Id, patch: InboxInput) =>
    request<{ inbox: Inbox }>('PATCH', `${ws(id)}/inboxes/${enc(String(inboxId))}`, patch),
  /** Deletes the stored credentials at once; `keepHistory: false` also deletes the conversations. */
  disconnectInbox: (id: Id, inboxId: Id, keepHistory: boolean) =>
    request<void>('DELETE', `${ws(id)}/inboxes/${enc(String(inboxId))}?keep_history=${keepHistory ? 'true' : 'false'}`),
  getInboxMembers: (id: Id, inboxId: Id) =>
    request<{ user_ids: Id[] }>('GET', `${ws(id)}/inboxes/${enc(String(inboxId))}/members`),
  setInboxMembers: (id: Id, inboxId: Id, userIds: Id[]) =>
    request<{ user_ids: Id[] }>('PUT', `${ws(id)}/inboxes/${enc(String(inboxId))}/members`, { user_ids: userIds }),

  listTeams: (id: Id) => request<{ data: Team[] }>('GET', `${ws(id)}/teams`),
  createTeam: (id: Id, body: TeamInput) => request<{ team: Team }>('POST', `${ws(id)}/teams`, body),
  updateTeam: (id: Id, teamId: Id, patch: TeamInput) =>
    request<{ team: Team }>('PATCH', `${ws(id)}/teams/${enc(String(teamId))}`, patch),
  deleteTeam: (id: Id, teamId: Id) => request<void>('DELETE', `${ws(id)}/teams/${enc(String(teamId))}`),

  listLabels: (id: Id) => request<{ data: Label[] }>('GET', `${ws(id)}/labels`),
  createLabel: (id: Id, body: LabelInput) => request<{ label: Label }>('POST', `${ws(id)}/labels`, body),
  updateLabel: (id: Id, labelId: Id, patch: LabelInput) =>
    request<{ label: Label }>('PATCH', `${ws(id)}/labels/${enc(String(labelId))}`, patch),
  deleteLabel: (id: Id, labelId: Id) => request<void>('DELETE', `${ws(id)}/labels/${enc(String(labelId))}`),

  listConversations: (
    id: Id,
    filter: Partial<ConversationFilter>,
    cursor?: string | null,
    extra: Record<string, string> = {},
    limit = 50,
  ) =>
    request<Page<Conversation>>(
      'GET',
      `${ws(id)}/conversations?${pageQuery(limit, cursor)}&${conversationQuery(filter, extra)}`,
    ),
  conversationCounts: (id: Id) => request<ConversationCounts>('GET', `${ws(id)}/conversations/counts`),
  getConversation: (id: Id, conversationId: Id) =>
    request<{ conversation: Conversation }>('GET', `${ws(id)}/conversations/${enc(String(conversationId))}`),
  updateConversation: (id: Id, conversationId: Id, patch: ConversationPatch) =>
    request<{ conversation: Conversation }>('PATCH', `${ws(id)}/conversations/${enc(String(conversationId))}`, patch),
  addConversationLabels: (id: Id, conversationId: Id, labels: string[]) =>
    request<{ labels: string[] }>('POST', `${ws(id)}/conversations/${enc(String(conversationId))}/labels`, {
      labels,
    }),
  removeConversationLabel: (id: Id, conversationId: Id, name: string) =>
    request<{ labels: string[] }>(
      'DELETE',
      `${ws(id)}/conversations/${enc(String(conversationId))}/labels/${enc(name)}`,
    ),
  renderCanned: (id: Id, conversationId: Id, cannedId: Id) =>
    request<{ id: Id; short_code: string; content: string; rendered: string }>(
      'GET',
      `${ws(id)}/conversations/${enc(String(conversationId))}/canned-responses/${enc(String(cannedId))}/render`,
    ),
  listMessages: (id: Id, conversationId: Id, cursor?: string | null, limit = 30) =>
    request<Page<Message>>(
      'GET',
      `${ws(id)}/conversations/${enc(String(conversationId))}/messages?${pageQuery(limit, cursor)}`,
    ),
  sendMessage: (id: Id, conversationId: Id, body: OutgoingMessage) =>
    request<{ message: Message }>('POST', `${ws(id)}/conversations/${enc(String(conversationId))}/messages`, body),
  markRead: (id: Id, conversationId: Id) =>
    request<{ ok: boolean }>('POST', `${ws(id)}/conversations/${enc(String(conversationId))}/read`),
  uploadAttachment: (id: Id, file: File) =>
    request<{ attachment: Attachment }>(
      'POST',
      `${ws(id)}/attachments?filename=${enc(file.name || 'file')}`,
      undefined,
      { raw: { data: file, type: file.type } },
    ),
  searchCanned: (id: Id, search: string) =>
    request<{ data: CannedResponse[] }>('GET', `${ws(id)}/canned-responses?search=${enc(search)}`),
  listCanned: (id: Id) => request<{ data: CannedResponse[] }>('GET', `${ws(id)}/canned-responses`),
  createCanned: (id: Id, body: CannedResponseInput) =>
    request<{ canned_response: CannedResponse }>('POST', `${ws(id)}/canned-responses`, body),
  updateCanned: (id: Id, cannedId: Id, patch: CannedResponseInput) =>
    request<{ canned_response: CannedResponse }>('PATCH', `${ws(id)}/canned-responses/${enc(String(cannedId))}`, patch),
  deleteCanned: (id: Id, cannedId: Id) =>
    request<void>('DELETE', `${ws(id)}/canned-responses/${enc(String(cannedId))}`),
  search: (id: Id, q: string) =>
    request<SearchResults>('GET', `${ws(id)}/search?q=${enc(q)}&limit=20`),

  getContact: (id: Id, contactId: Id) =>
    request<{ contact: ContactDetail }>('GET', `${ws(id)}/contacts/${enc(String(contactId))}`),
  updateContact: (id: Id, contactId: Id, patch: { custom_attributes?: Record<string, unknown>; name?: string }) =>
    request<{ contact: ContactDetail }>('PATCH', `${ws(id)}/contacts/${enc(String(contactId))}`, patch),
  listContactNotes: (id: Id, contactId: Id) =>
    request<{ data: ContactNote[] }>('GET', `${ws(id)}/contacts/${enc(String(contactId))}/notes`),
  addContactNote: (id: Id, contactId: Id, content: string) =>
    request<{ note: ContactNote }>('POST', `${ws(id)}/contacts/${enc(String(contactId))}/notes`, { content }),

  listAuditLog: (id: Id, cursor?: string | null) =>
    request<Page<AuditEntry>>('GET', `${ws(id)}/audit-log?${pageQuery(50, cursor)}`),
};
