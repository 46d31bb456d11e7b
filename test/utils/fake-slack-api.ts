import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake Slack API received it. */
export interface SlackCall {
  /** Web API method (`chat.postMessage`), or `upload` for a POST to an upload URL. */
  method: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** JSON or form fields, parsed; `{}` for uploads. */
  body: Record<string, unknown>;
  /** The request body as sent. */
  raw: Buffer;
}

/** A programmed answer: HTTP status (200), extra headers, and a JSON body (or a string). */
export interface SlackReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
}

/**
 * A local stand-in for the Slack Web API (chat.postMessage, files.getUploadURLExternal,
 * files.completeUploadExternal, conversations.list) and its upload URLs, which point back at it.
 * Records every call; `reply()` queues one-off answers per method (`{ ok: false, error }`,
 * HTTP 429 with Retry-After, 5xx) that win over the default, well-behaved ones.
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** What conversations.list pages through, `pageSize` at a time. */
  channels: FakeSlackChannel[] = [
    { id: 'C0000GENERAL', name: 'general' },
    { id: 'C0000RANDOM', name: 'random' },
    { id: 'C0000REPORTS', name: 'reports' },
  ];
  pageSize = 2;
  /** Bytes received per file id. */
  readonly uploads = new Map<string, Buffer>();

  private readonly queued = new Map<string, SlackReply[]>();
  /** Calls still to be held unanswered (see holdNext). */
  private readonly holds: { method: string; match: (call: SlackCall) => boolean }[] = [];
  private readonly releases = new Set<() => void>();
  private sequence = 0;
  private origin = '';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSlackApi> {
    const server = createServer();
    const fake = new FakeSlackApi(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The base to use as SLACK_API_URL. */
  get url(): string {
    return `${this.origin}/api`;
  }

  /** The next calls of `method` get these answers, in order; later ones the default again. */
  reply(method: string, ...replies: SlackReply[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...replies]);
  }

  /**
   * The next call of `method` that `match` accepts is recorded (Slack has acted on it) but not
   * answered until `releaseHeld()` or until its client goes away: a request in flight when a
   * worker dies.
   */
  holdNext(method: string, match: (call: SlackCall) => boolean = () => true): void {
    this.holds.push({ method, match });
  }

  /** Calls received and not answered yet because of holdNext. */
  get heldCount(): number {
    return this.releases.size;
  }

  /** Answers the held calls whose clients are still there. */
  releaseHeld(): void {
    [...this.releases].forEach((release) => release());
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.queued.clear();
    this.uploads.clear();
    this.holds.length = 0;
    this.releaseHeld();
  }

  close(): Promise<void> {
    this.releaseHeld();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    const method = upload ? 'upload' : path.replace(/^\/api\//, '');
    const contentType = req.headers['content-type'];
    const call: SlackCall = {
      method,
      authorization: req.headers.authorization,
      contentType,
      body: upload ? {} : parseBody(raw, contentType),
      raw,
    };
    this.calls.push(call);

    const hold = this.holds.findIndex((h) => h.method === method && h.match(call));
    if (hold >= 0) {
      this.holds.splice(hold, 1);
      await new Promise<void>((resolve) => {
        const release = () => {
          this.releases.delete(release);
          resolve();
        };
        this.releases.add(release);
        res.once('close', release);
      });
      if (res.destroyed || res.writableEnded) return;
    }
    const queued = this.queued.get(method)?.shift();
    if (queued) return send(res, queued);
    if (upload) {
      this.uploads.set(upload[1], raw);
      return send(res, { body: `OK - ${raw.length}` });
    }
    if (!call.authorization?.startsWith('Bearer xox')) {
      return send(res, { body: { ok: false, error: 'not_authed' } });
    }
    return send(res, { body: this.answer(call) });
  }

  private answer(call: SlackCall): Record<string, unknown> {
    const body = call.body;
    switch (call.method) {
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `1700000000.${this.next()}` };
      case 'files.getUploadURLExternal': {
        const fileId = `F${this.next()}`;
        return { ok: true, upload_url: `${this.origin}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: body.files };
      case 'conversations.list': {
        const start = Number(body.cursor ?? 0);
        const page = this.channels.slice(start, start + this.pageSize);
        const next = start + this.pageSize < this.channels.length ? start + this.pageSize : null;
        return {
          ok: true,
          channels: page.map((c) => ({ ...c, is_channel: true })),
          response_metadata: { next_cursor: next === null ? '' : String(next) },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private next(): string {
    this.sequence += 1;
    return String(this.sequence).padStart(6, '0');
  }
}

function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json'))
    return JSON.parse(text) as Record<string, unknown>;
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return {};
}

function send(res: ServerResponse, reply: SlackReply): void {
  const isText = typeof reply.body === 'string';
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body ?? { ok: true });
  res.writeHead(reply.status ?? 200, {
    'Content-Type': isText ? 'text/plain' : 'application/json; charset=utf-8',
    ...reply.headers,
  });
  res.end(payload);
}
