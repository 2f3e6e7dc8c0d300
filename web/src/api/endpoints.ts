/**
 * Every REST call the dashboard makes, in one place. Keep this file in step with the server's
 * docs/api.md: the lead checks the two against each other.
 */
import { request } from './client';
import type {
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
const ws = (id: Id) => `/workspaces/${enc(String(id))}`;

function pageQuery(limit: number, cursor?: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
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

  listAuditLog: (id: Id, cursor?: string | null) =>
    request<Page<AuditEntry>>('GET', `${ws(id)}/audit-log?${pageQuery(50, cursor)}`),
};
