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
