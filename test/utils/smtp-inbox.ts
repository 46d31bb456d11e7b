import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A message as the inbox received it: parsed, plus the raw bytes and the SMTP envelope. */
export interface InboxMessage {
  parsed: ParsedMail;
  raw: Buffer;
  envelope: { from: string | null; to: string[] };
  /** When the whole message had arrived. */
  receivedAt: Date;
}

export interface SmtpInbox {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every accepted message, in arrival order. */
  messages: InboxMessage[];
  /** Resolves with all messages once at least `count` arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<InboxMessage[]>;
  /**
   * The same, counting only messages to `address`. e2e apps share one queue database, so jobs
   * another test file left behind may also land here: tests wait for their own recipients.
   */
  waitForMessagesTo(address: string, count?: number, timeoutMs?: number): Promise<InboxMessage[]>;
  clear(): void;
  /**
   * The next `count` RCPT TO commands (for `to` only, when given) are answered
   * `<code> <message>` (4xx or 5xx).
   */
  failNextRecipients(code: number, message: string, count?: number, to?: string): void;
  /**
   * The next `count` messages are read to the end and then never answered: the client is left
   * waiting for the 250 that would mean "accepted". They are not added to `messages`. With
   * `to`, only messages for that address count (other tests' leftovers pass through).
   */
  holdNextMessages(count?: number, to?: string): void;
  /** How many messages are being held unanswered right now, or were until their client left. */
  readonly heldCount: number;
  /**
   * The next message to `to` is accepted (it is in `messages`) and then its 250 comes `delayMs`
   * late, or never (`drop`: the connection is cut, so the client cannot tell it was taken), or
   * only after `before` ran (a test stops the database right between the two).
   */
  interceptNextReply(
    to: string,
    how: { delayMs?: number; drop?: boolean; before?: () => void | Promise<void> },
  ): void;
  /** Stops listening and drops open connections: clients now see ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listens again on the same port ("SMTP down, then up"). */
  start(): Promise<void>;
}

/**
 * A real SMTP server for tests: no auth required, no TLS, 50 MB messages.
 * Port 0 (default) picks a free one; `start()` after `stop()` reuses it.
 */
export async function startSmtpInbox(options: { port?: number } = {}): Promise<SmtpInbox> {
  const messages: InboxMessage[] = [];
  const waiters = new Set<() => void>();
  let failures: { code: number; message: string; left: number; to?: string } | null = null;
  let holdLeft = 0;
  let holdTo: string | undefined;
  let held = 0;
  const intercepts: { to: string; delayMs?: number; drop?: boolean; before?: () => unknown }[] = [];
  let server: SMTPServer | null = null;
  let port = options.port ?? 0;

  const newServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: 50 * 1024 * 1024,
      logger: false,
      // Stopping must drop pooled client connections now, not after smtp-server's 30 s grace.
      closeTimeout: 50,
      onRcptTo(address, _session, callback) {
        if (failures && failures.left > 0 && (!failures.to || address.address === failures.to)) {
          failures.left -= 1;
          const error = new Error(failures.message) as Error & { responseCode: number };
          error.responseCode = failures.code;
          return callback(error);
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rcpt = session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address);
          if (holdLeft > 0 && (!holdTo || rcpt.includes(holdTo))) {
            holdLeft -= 1;
            held += 1;
            return; // never answered: the sender cannot know whether the message was taken
          }
          const raw = Buffer.concat(chunks);
          const receivedAt = new Date();
          simpleParser(raw).then(
            (parsed) => {
              const from = session.envelope.mailFrom;
              messages.push({
                parsed,
                raw,
                receivedAt,
                envelope: {
                  from: from ? from.address : null,
                  to: session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address),
                },
              });
              waiters.forEach((wake) => wake());
              const index = intercepts.findIndex((i) => rcpt.includes(i.to));
              if (index < 0) return callback();
              const [how] = intercepts.splice(index, 1);
              void Promise.resolve(how.before?.()).then(() => {
                if (how.drop) return connectionOf(server, session)?.destroy();
                setTimeout(() => callback(), how.delayMs ?? 0);
              });
            },
            (error: Error) => callback(error),
          );
        });
      },
    });

  const listen = async () => {
    server = newServer();
    const current = server;
    await new Promise<void>((resolve, reject) => {
      current.once('error', reject);
      current.listen(port, '127.0.0.1', () => {
        current.off('error', reject);
        resolve();
      });
    });
    // smtp-server emits client errors (resets during tests) on the server; they are not failures.
    current.on('error', () => undefined);
    port = (current.server.address() as AddressInfo).port;
  };

  const stop = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  const waitUntil = (
    select: () => InboxMessage[],
    count: number,
    timeoutMs: number,
  ): Promise<InboxMessage[]> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = select();
        if (found.length < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve([...found]);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`inbox: ${select().length} of ${count} messages after ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    messages,
    waitForMessages(count, timeoutMs = 10_000) {
      return waitUntil(() => messages, count, timeoutMs);
    },
    waitForMessagesTo(address, count = 1, timeoutMs = 10_000) {
      return waitUntil(
        () => messages.filter((m) => m.envelope.to.includes(address)),
        count,
        timeoutMs,
      );
    },
    clear() {
      messages.length = 0;
      failures = null;
      holdLeft = 0;
      held = 0;
      intercepts.length = 0;
    },
    failNextRecipients(code, message, count = 1, to) {
      failures = { code, message, left: count, to };
    },
    holdNextMessages(count = 1, to?: string) {
      holdLeft = count;
      holdTo = to;
    },
    get heldCount() {
      return held;
    },
    interceptNextReply(to, how) {
      intercepts.push({ to, ...how });
    },
    stop,
    start: async () => {
      if (!server) await listen();
    },
  };
}

/** The socket of the session's connection (smtp-server keeps no public handle on it). */
function connectionOf(server: SMTPServer | null, session: unknown): Socket | undefined {
  const connections = (server as unknown as { connections?: Set<Record<string, unknown>> })
    ?.connections;
  for (const connection of connections ?? []) {
    if (connection.session === session) return connection._socket as Socket;
  }
  return undefined;
}

/** A header's raw values as sent (mailparser turns List-* headers into objects otherwise). */
export function headerValues(message: InboxMessage, name: string): string[] {
  return message.parsed.headerLines
    .filter((h) => h.key === name.toLowerCase())
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim(),
    );
}
