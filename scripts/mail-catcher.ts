/**
 * A local SMTP server for the demo: accepts every message and saves it as
 * var/outbox/<timestamp>-<n>.eml (open it in any mail client), one log line per message.
 *   node -r ts-node/register/transpile-only scripts/mail-catcher.ts [--host 127.0.0.1] [--port 1025] [--dir var/outbox]
 * Not for production: no auth, no TLS, nothing is relayed.
 */
import { simpleParser } from 'mailparser';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '1025'));
const dir = path.resolve(option('dir', 'var/outbox'));
let count = 0;

mkdirSync(dir, { recursive: true });

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  size: 100 * 1024 * 1024,
  logger: false,
  closeTimeout: 1000,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      // Read before callback(): accepting the message resets the session's envelope.
      const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
      count += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${count}.eml`);
      try {
        writeFileSync(file, raw);
      } catch (error) {
        return callback(error as Error);
      }
      callback();
      // The subject is only for the log line: a message it cannot parse is still saved.
      simpleParser(raw)
        .then((mail) => mail.subject ?? '(no subject)')
        .catch(() => '(unparsed)')
        .then((subject) => {
          const size = `${raw.length} bytes`;
          console.log(
            `mail-catcher: ${path.relative(process.cwd(), file)} to ${to}: "${subject}" (${size})`,
          );
        });
    });
  },
});

server.on('error', (error) => console.error(`mail-catcher: ${error.message}`));
server.server.once('error', (error: NodeJS.ErrnoException) => {
  console.error(`mail-catcher: cannot listen on ${host}:${port}: ${error.code ?? error.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`mail-catcher: listening on smtp://${host}:${port}, saving to ${dir}`);
});

// Every message is on disk before it is acknowledged: nothing to flush, so stop at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
