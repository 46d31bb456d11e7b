import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import { currentRequestIds } from 'src/common/http/request-id.middleware';
import { currentLogContext } from './log-context';

/**
 * pino-http's options. The request id is the server's own (never a client's X-Request-Id, which
 * could impersonate another request in the logs); headers that carry credentials are redacted.
 */
export function pinoHttpOptions(level: string): Options {
  return {
    level,
    genReqId: (req: IncomingMessage) => (req.id ??= randomUUID()),
    customAttributeKeys: { reqId: 'request_id' },
    // Every line, in and out of requests: the request's and the job's ids.
    mixin: () => {
      const request = currentRequestIds();
      return { ...(request ? { request_id: request.requestId } : {}), ...currentLogContext() };
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        method: req.method,
        // Signed download links carry their token in the path: it is a credential.
        url: req.url.replace(/^\/api\/files\/[^/?]+/, '/api/files/[redacted]'),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Health checks and scrapes every few seconds would drown the rest.
    autoLogging: {
      ignore: (req) => ['/health', '/metrics'].includes((req.url ?? '').split('?')[0]),
    },
  };
}
