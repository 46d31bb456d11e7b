import createClient from 'openapi-fetch';
import type { components, paths } from './api-schema';

/** A response body of the API, by its schema name in /docs-json. */
export type Schema<K extends keyof components['schemas']> = components['schemas'][K];

const TOKEN_KEY = 'scheduled-reports.token';

/** What the console reads from the token (to show or hide actions; the API decides). */
export interface Claims {
  sub: string;
  name?: string;
  email?: string;
  roles: string[];
  permissions: string[];
  exp?: number;
}

/** The token lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage. */
let token: string | null = sessionStorage.getItem(TOKEN_KEY);

export function currentToken(): string | null {
  return token;
}

export function claimsOf(jwt: string): Claims | null {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const body = JSON.parse(atob(part)) as Partial<Claims>;
    if (typeof body.sub !== 'string') return null;
    return { ...body, sub: body.sub, roles: body.roles ?? [], permissions: body.permissions ?? [] };
  } catch {
    return null;
  }
}

export function signIn(jwt: string): void {
  token = jwt;
  sessionStorage.setItem(TOKEN_KEY, jwt);
}

export function signOut(): void {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * `npm run demo` prints /app/#token=…: take the token and drop it from the address bar (and
 * so from the history) before anything else runs.
 */
export function takeTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  signIn(decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export const api = createClient<paths>({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) onUnauthorized();
    return response;
  },
});

/** fetch with the bearer token, for what the typed client does not do (files, event streams). */
export function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return fetch(path, { ...init, headers });
}

/** The API's error body as a list of sentences. */
export function messagesOf(error: unknown): string[] {
  const message = (error as { message?: string | string[] } | undefined)?.message;
  if (Array.isArray(message)) return message;
  if (typeof message === 'string') return [message];
  return ['The request failed.'];
}
