import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/**
 * Everything but /docs: JSON, files and the two small unsubscribe pages (an inline style
 * attribute, a form posting to itself). Nothing may be loaded, framed or run.
 */
const API_CSP = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'style-src': ["'unsafe-inline'"],
};

/**
 * Swagger UI: its scripts and stylesheet are files of the same origin, but its page has an
 * inline <style> block and style attributes, draws icons from data: URLs and fetches /docs-json.
 * Scripts stay 'self' only, so an injected inline script still does not run.
 */
const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * The console (/app): its scripts and stylesheet are Vite's files of the same origin, it calls
 * /api with fetch. No inline script or style, nothing from elsewhere.
 */
const CONSOLE_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
};

function headersWith(directives: Record<string, string[]>): Middleware {
  return helmet({
    // No helmet defaults merged in: each policy above is the whole policy. In particular no
    // upgrade-insecure-requests, which breaks the docs on http://localhost in some browsers.
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }) as Middleware;
}

/** helmet's headers on every response (X-Powered-By removed), with the policy of its path. */
export function securityHeaders(): Middleware {
  const api = headersWith(API_CSP);
  const docs = headersWith(DOCS_CSP);
  const app = headersWith(CONSOLE_CSP);
  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
    (under('/docs') ? docs : under('/app') ? app : api)(req, res, next);
  };
}
