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
}

export interface Visitor {
  name: string | null;
  email: string | null;
  phone: string | null;
  identifier: string | null;
  verified: boolean;
  consent_at: number | null;
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
    return this.authed(method, path, body, true) as Promise<T>;
  }

  private async authed(method: string, path: string, body: unknown, retry: boolean): Promise<unknown> {
    try {
      return await this.raw(method, path, body, true);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !retry) throw err;
      await this.recover();
      return this.authed(method, path, body, false);
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
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && this.token) headers['X-Auth-Token'] = this.token;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
    if (res.status === 204) return null;
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `HTTP ${res.status}`);
    }
    return json;
  }
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
