import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

/**
 * An SMTP server that records when each message (by Message-ID) was accepted, for whom, and how
 * many Message-IDs arrived more than once: the peer's own count of duplicates and losses.
 */
export async function startSmtpSink() {
  const accepted = new Map<string, number>();
  const recipients = new Map<string, string[]>();
  let duplicates = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*<([^@>]+)@/im.exec(head)?.[1] ?? `anon-${Math.random()}`;
        if (accepted.has(id)) duplicates += 1;
        accepted.set(id, performance.now());
        recipients.set(
          id,
          session.envelope.rcptTo.map((to) => to.address),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    recipients,
    get duplicates() {
      return duplicates;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
