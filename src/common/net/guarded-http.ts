import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { blockedAddressReason } from 'src/common/net/blocked-address';

/** Response bodies are read up to this much; webhook and Slack answers are small. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The target may not be reached: not a URL, a scheme other than http(s), a blocked address, or
 * plain http to a host that is not allow-listed.
 */
export class OutboundBlockedError extends Error {
  constructor(
    readonly reason: string,
    /** Lets save-time validation word its own message for all but `address`. */
    readonly kind: 'invalid_url' | 'scheme' | 'address' | 'insecure' = 'address',
  ) {
    super(reason);
    this.name = 'OutboundBlockedError';
  }
}

/** The peer did not connect, answer and finish its body within the request's timeout. */
export class OutboundTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${url} did not answer within ${timeoutMs} ms`);
    this.name = 'OutboundTimeoutError';
  }
}

export interface GuardedRequestOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
  /** Covers DNS, connect, sending, and reading the whole response. */
  timeoutMs: number;
  /** Hostnames or IP literals exempt from the address guard (OUTBOUND_ALLOW_HOSTS). */
  allowHosts: readonly string[];
  maxResponseBytes?: number;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most maxResponseBytes; `truncated` says when the peer sent more. */
  body: Buffer;
  truncated: boolean;
}

/**
 * Parses a target URL and judges what can be judged without DNS: the scheme (https unless
 * allow-listed), `localhost` names and IP literals. The WHATWG parser has already turned 2130706433, 0x7f.1 and
 * [0:0:0:0:0:ffff:7f00:1] into canonical addresses, so odd spellings cannot slip past.
 * `guarded` is false for allow-listed hosts, which skip the resolved-address check too.
 */
export function checkOutboundUrl(
  rawUrl: string,
  allowHosts: readonly string[],
): { url: URL; guarded: boolean } {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundBlockedError(`'${rawUrl}' is not a valid URL`, 'invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundBlockedError(`${url.href} is not an http or https URL`, 'scheme');
  }
  const host = bare(url.hostname);
  if (isAllowListed(host, allowHosts)) return { url, guarded: false };
  // RFC 6761: these names are loopback whatever a resolver says.
  if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new OutboundBlockedError(`${host} is this machine (loopback)`);
  }
  if (isIP(host)) {
    const reason = blockedAddressReason(host);
    if (reason) throw new OutboundBlockedError(reason);
  }
  // What goes out carries report data, links and bearer tokens: in clear text only to hosts
  // the operator listed (a local receiver, a test double).
  if (url.protocol !== 'https:') {
    throw new OutboundBlockedError(`${url.origin} is not https`, 'insecure');
  }
  return { url, guarded: true };
}

/**
 * One outbound HTTP(S) request with the SSRF guard. Hostnames are resolved by a
 * lookup that refuses when any address is private or reserved, and that lookup is the one the
 * socket connects with: no second resolution a rebinding DNS server could answer differently.
 * Redirects are never followed (a 3xx is returned as is). Network errors pass through.
 */
export function guardedRequest(options: GuardedRequestOptions): Promise<GuardedResponse> {
  let target: { url: URL; guarded: boolean };
  try {
    target = checkOutboundUrl(options.url, options.allowHosts);
  } catch (error) {
    return Promise.reject(error);
  }
  const { url, guarded } = target;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const headers: Record<string, string> = { ...options.headers };
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  if (Buffer.isBuffer(body) && !hasHeader(headers, 'content-length')) {
    headers['Content-Length'] = String(body.length);
  }
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<GuardedResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, response?: GuardedResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response as GuardedResponse);
    };
    const request = transport.request(url, {
      method: options.method,
      headers,
      // A fresh connection per request: a pooled socket would skip the lookup below.
      agent: false,
      lookup: guarded ? guardedLookup : undefined,
    });
    const timer = setTimeout(() => {
      // Settled first: destroying a request mid-response surfaces as a plain ECONNRESET.
      finish(new OutboundTimeoutError(url.origin + url.pathname, options.timeoutMs));
      request.destroy();
    }, options.timeoutMs);

    request.on('error', (error) => finish(error));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () =>
        finish(null, {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          truncated,
        });
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          truncated = true;
          // Enough was read to judge the answer; the rest is the peer's problem.
          done();
          response.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', done);
      response.on('error', (error) => finish(error));
    });

    if (body instanceof Readable) {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
}

/**
 * dns.lookup with every address checked (exported for its spec). Node's socket asks for one
 * address or, with autoSelectFamily, all of them; both are answered from the one checked
 * resolution.
 */
export const guardedLookup = ((
  hostname: string,
  options: LookupOptions,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    if (addresses.length === 0) {
      return callback(new Error(`${hostname} resolved to no address`), '', 0);
    }
    for (const { address } of addresses) {
      if (blockedAddressReason(address)) {
        return callback(
          new OutboundBlockedError(
            `${hostname} resolves to ${address}, which is a private or reserved address`,
          ),
          '',
          0,
        );
      }
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}) as LookupFunction;

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Entries are compared as the URL parser would write them, so `0x7f.1` lists 127.0.0.1. */
function isAllowListed(host: string, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const trimmed = bare(entry.trim());
    if (!trimmed) return false;
    if (trimmed === host) return true;
    try {
      const literal = trimmed.includes(':') ? `[${trimmed}]` : trimmed;
      return bare(new URL(`http://${literal}/`).hostname) === host;
    } catch {
      return false;
    }
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * Retry-After as milliseconds (RFC 9110: delay-seconds or an HTTP-date), or undefined when
 * absent or unreadable. Shared by the webhook and Slack callers.
 */
export function retryAfterMs(
  headers: IncomingHttpHeaders,
  now: number = Date.now(),
): number | undefined {
  const raw = headers['retry-after'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
