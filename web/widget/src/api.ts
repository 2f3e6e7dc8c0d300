// The widget HTTP API (same origin as the frame) with the visitor token kept in localStorage.
// A 401 triggers one refresh (or, failing that, a new anonymous session) and a retry.

export interface WidgetConfig {
  inbox_name: string;
  widget_color: string;
  locale: 'en' | 'ar';
  welcome_title: string;
  welcome_tagline: string;
  reply_time: 'in_a_few_minutes' | 'in_a_few_hours' | 'in_a_day';
  hmac_mandatory: boolean;
  pre_chat_form_enabled: boolean;
  pre_chat_message: string;
  pre_chat_fields: { name: 'name' | 'email' | 'phone'; required: boolean }[];
  consent_text: string;
  offline_message: string;
  agents_online: boolean;
  attachments_enabled: boolean;
  max_attachment_bytes: number;
  allowed_mime_types: string[];
}

export interface Visitor {
  name: string | null;
  email: string | null;
  phone: string | null;
  identifier: string | null;
  verified: boolean;
  consent_at: number | null;
}

// A file on a message; its bytes are at `${api.base}/attachments/${id}/file` (visitor token).
export interface WidgetAttachment {
  id: number;
  kind: string;
  mime_type: string;
  file_name: string;
  size_bytes: number;
}

export interface WidgetMessage {
  id: number;
  conversation_id: number;
  direction: 'incoming' | 'outgoing';
  sender_kind: string;
  content: string;
  content_type: string;
  status: string;
  created_at: number;
  echo_id: string | null;
  attachments?: WidgetAttachment[];
}

export interface PostedMessage {
  message: WidgetMessage;
  duplicate: boolean;
  agents_online: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class WidgetApi {
  private token: string | null;
  private readonly storageKey: string;
  readonly base: string;

  constructor(readonly websiteToken: string) {
    this.base = `/widget/v1/${encodeURIComponent(websiteToken)}`;
    this.storageKey = `hudhud.visitor.${websiteToken}`;
    this.token = safeGet(this.storageKey);
  }

  get visitorToken(): string | null {
    return this.token;
  }

  async config(): Promise<WidgetConfig> {
    const r = await this.raw('GET', '/config');
    return (r as { config: WidgetConfig }).config;
  }

  // Makes sure a visitor token exists (starting an anonymous session when none is stored).
  async ensureSession(hostOrigin: string, locale: string): Promise<void> {
    if (this.token) return;
    const r = (await this.raw('POST', '/sessions', { host_origin: hostOrigin, locale, referer: document.referrer || undefined })) as {
      token: string;
    };
    this.setToken(r.token);
  }

  async resetSession(hostOrigin: string, locale: string): Promise<void> {
    this.setToken(null);
    await this.ensureSession(hostOrigin, locale);
  }

  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.authed(() => this.raw(method, path, body, true)) as Promise<T>;
  }

  // Sends a file as a message of its own: the raw bytes with their type, the name in the query.
  upload(file: Blob, fileName: string, echoId: string): Promise<PostedMessage> {
    const q = new URLSearchParams({ filename: fileName, echo_id: echoId });
    return this.authed(async () => {
      const res = await this.send('POST', `/attachments?${q}`, file, file.type || 'application/octet-stream');
      return readJson(res);
    }) as Promise<PostedMessage>;
  }

  // The bytes of a file in the visitor's conversations, fetched with the visitor token (never
  // put in a URL, so it cannot leak through history, logs or a Referer).
  file(id: number): Promise<Blob> {
    return this.authed(async () => {
      const res = await this.send('GET', `/attachments/${id}/file`);
      if (!res.ok) await readJson(res);
      return res.blob();
    }) as Promise<Blob>;
  }

  private async authed(request: () => Promise<unknown>, retry = true): Promise<unknown> {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !retry) throw err;
      await this.recover();
      return this.authed(request, false);
    }
  }

  private async recover(): Promise<void> {
    try {
      const r = (await this.raw('POST', '/sessions/refresh', undefined, true)) as { token: string };
      this.setToken(r.token);
    } catch {
      // Past the refresh window (or forged): a new anonymous visitor.
      this.setToken(null);
      const params = new URLSearchParams(location.search);
      await this.ensureSession(params.get('host_origin') ?? '', params.get('locale') ?? '');
    }
  }

  private setToken(token: string | null) {
    this.token = token;
    if (token) safeSet(this.storageKey, token);
    else safeRemove(this.storageKey);
  }

  private async raw(method: string, path: string, body?: unknown, auth = false): Promise<unknown> {
    const res = auth
      ? await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json')
      : await fetch(this.base + path, {
          method,
          headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'omit',
        });
    return readJson(res);
  }

  // A request with the visitor token.
  private send(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (contentType) headers['Content-Type'] = contentType;
    if (this.token) headers['X-Auth-Token'] = this.token;
    return fetch(this.base + path, { method, headers, body, credentials: 'omit' });
  }
}

async function readJson(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `HTTP ${res.status}`);
  }
  return json;
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function safeSet(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked (private mode, partitioning): the session lasts as long as the page.
  }
}
function safeRemove(key: string) {
  try {
    localStorage.removeItem(key);
  } catch {
    // see safeSet
  }
}
