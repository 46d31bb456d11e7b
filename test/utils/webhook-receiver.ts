import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface ReceivedWebhook {
  method: string;
  /** Path and query, e.g. `/hook?x=1`. */
  path: string;
  /** Lower-cased names, as node parses them. */
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  receivedAt: Date;
}

/** How to answer one request: status (200), a delay before answering, headers, a body. */
export interface WebhookReply {
  status?: number;
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

export type WebhookResponder = (request: ReceivedWebhook) => WebhookReply | Promise<WebhookReply>;

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`; any path is accepted. */
  url: string;
  port: number;
  /** Every request so far, in arrival order. */
  requests: ReceivedWebhook[];
  /**
   * A function decides each answer, or a sequence is used in order with its last entry
   * repeating (`[{ status: 500 }, { status: 200 }]`: one failure, then success for good).
   */
  respondWith(replies: WebhookResponder | WebhookReply[]): void;
  /** Resolves with the requests once there are at least `count`; fails after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Forgets the requests and goes back to answering 200. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's webhook endpoint (e2e and
 * channel specs). Point OUTBOUND_ALLOW_HOSTS at 127.0.0.1, or the SSRF guard refuses it.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let responder: WebhookResponder = () => ({ status: 200 });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedWebhook = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        json: parseJson(body),
        receivedAt: new Date(),
      };
      requests.push(received);
      waiters.forEach((wake) => wake());
      void Promise.resolve(responder(received)).then((reply) => {
        const answer = () => {
          // The sender may have given up (timeout) while the reply was delayed.
          if (res.destroyed || res.writableEnded) return;
          res.writeHead(reply.status ?? 200, reply.headers);
          res.end(reply.body ?? '');
        };
        if (!reply.delayMs) return answer();
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, reply.delayMs);
        timers.add(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    respondWith(replies) {
      if (typeof replies === 'function') {
        responder = replies;
        return;
      }
      if (replies.length === 0) throw new Error('respondWith needs at least one reply');
      let next = 0;
      responder = () => replies[Math.min(next++, replies.length - 1)];
    },
    waitForRequests(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          cleanup();
          resolve([...requests]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `webhook receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      responder = () => ({ status: 200 });
    },
    stop() {
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
