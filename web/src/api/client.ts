import type { ErrorBody } from './types';

/** An API failure: the server's {error:{code,message}}, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, from Retry-After (429/503), when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const CSRF_COOKIE = 'hudhud_csrf';
let csrfToken: string | null = null;
let acceptLanguage = 'en';
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  if (token) csrfToken = token;
}

export function clearCsrfToken(): void {
  csrfToken = null;
}

export function setAcceptLanguage(locale: string): void {
  acceptLanguage = locale;
}

/** Called when an authenticated request answers 401 (the session expired or was revoked). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function currentCsrf(): string | null {
  return csrfToken ?? readCookie(CSRF_COOKIE);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export interface RequestOptions {
  /** Don't treat 401 as "session expired" (login, setup, /me probing). */
  expectUnauthenticated?: boolean;
  signal?: AbortSignal;
  /** Send these bytes as the body (with their Content-Type) instead of JSON: file uploads. */
  raw?: { data: Blob; type: string };
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Sends one JSON request to the same-origin API. Writes carry X-CSRF-Token. Resolves with the
 * parsed body (undefined for 204); rejects with ApiError.
 */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': acceptLanguage,
  };
  if (options.raw) headers['Content-Type'] = options.raw.type || 'application/octet-stream';
  else if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = currentCsrf();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: options.raw ? options.raw.data : body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unavailable', '');
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (!response.ok) {
    const err = (parsed as ErrorBody | undefined)?.error;
    const apiError = new ApiError(
      response.status,
      err?.code ?? codeForStatus(response.status),
      err?.message ?? '',
      parseRetryAfter(response.headers.get('Retry-After')),
    );
    if (response.status === 401 && !options.expectUnauthenticated) onUnauthenticated?.();
    throw apiError;
  }
  return parsed as T;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'internal';
  }
}
