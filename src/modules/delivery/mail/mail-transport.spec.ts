import type { MailerService } from '@nestjs-modules/mailer';
import { Readable } from 'node:stream';
import { startSmtpInbox, type SmtpInbox } from 'test/utils/smtp-inbox';
import type { AppConfig } from 'src/config/app-config';
import type { AppConfigService } from 'src/config/app-config.service';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  UnknownOutcomeError,
} from 'src/modules/delivery/delivery.errors';
import {
  fromAddress,
  headerSafe,
  MailTransport,
  messageIdFor,
  SEND_DEADLINE_MS,
  smtpTransportOptions,
  toDeliveryError,
} from './mail-transport';

/** What nodemailer throws, as its smtp-connection builds it. */
function smtpError(code: string, response: string | undefined, command?: string) {
  const error = new Error(`failed${response ? `: ${response}` : ''}`) as Error & {
    code: string;
    response?: string;
    responseCode?: number;
    command?: string;
  };
  error.code = code;
  if (response) {
    error.response = response;
    error.responseCode = Number(response.slice(0, 3));
  }
  error.command = command;
  return error;
}

describe('toDeliveryError', () => {
  it('retries a 4xx reply, naming it shortly', () => {
    const mapped = toDeliveryError(smtpError('EENVELOPE', '451 4.3.0 try again later', 'RCPT TO'));
    expect(mapped).toBeInstanceOf(RetryableDeliveryError);
    expect(mapped.message).toBe('SMTP 451 4.3.0 try again later');
  });

  it('bounces a recipient refused with 5xx', () => {
    const mapped = toDeliveryError(
      smtpError('EENVELOPE', '550 5.1.1 mailbox unavailable\r\nmore', 'RCPT TO'),
    );
    expect(mapped).toBeInstanceOf(PermanentDeliveryError);
    expect(mapped).toMatchObject({
      outcome: 'bounced',
      message: 'SMTP 550 5.1.1 mailbox unavailable',
    });
  });

  it('bounces a 5.1.x / 5.2.x mailbox status even when refused after DATA', () => {
    const mapped = toDeliveryError(smtpError('EMESSAGE', '550 5.2.1 mailbox disabled', 'DATA'));
    expect(mapped).toMatchObject({ outcome: 'bounced' });
  });

  it('fails (no retry, not a bounce) when the content or sender is refused', () => {
    expect(
      toDeliveryError(smtpError('EMESSAGE', '552 5.3.4 message too big', 'DATA')),
    ).toMatchObject({ outcome: 'failed', message: 'SMTP 552 5.3.4 message too big' });
    expect(
      toDeliveryError(smtpError('EENVELOPE', '553 5.7.1 sender not allowed', 'MAIL FROM')),
    ).toMatchObject({ outcome: 'failed' });
  });

  it("retries a refused login: the operator's to fix, not the recipient's", () => {
    const mapped = toDeliveryError(smtpError('EAUTH', '535 5.7.8 bad credentials', 'AUTH PLAIN'));
    expect(mapped).toBeInstanceOf(RetryableDeliveryError);
  });

  it.each([
    ['ESOCKET', 'connect ECONNREFUSED 127.0.0.1:1025'],
    ['ETIMEDOUT', 'Greeting never received'],
    ['ETIMEDOUT', 'Connection timeout'],
    ['EDNS', 'getaddrinfo ENOTFOUND smtp.example'],
  ])('retries connection failure %s (%s)', (code, message) => {
    const error = Object.assign(new Error(message), { code });
    const mapped = toDeliveryError(error);
    expect(mapped).toBeInstanceOf(RetryableDeliveryError);
    expect(mapped.message).toBe(`SMTP connection failed: ${message}`);
  });

  it.each([
    ['ETIMEDOUT', 'Timeout'],
    ['ECONNECTION', 'Connection closed unexpectedly'],
    ['ESOCKET', 'read ECONNRESET'],
  ])('calls a connection lost mid-conversation an unknown outcome: %s (%s)', (code, message) => {
    const mapped = toDeliveryError(Object.assign(new Error(message), { code, command: 'CONN' }));
    expect(mapped).toBeInstanceOf(UnknownOutcomeError);
    expect(mapped.message).toBe(`SMTP connection lost without a reply: ${message}`);
  });

  it('retries anything unknown, and passes delivery errors through', () => {
    expect(toDeliveryError(new Error('boom'))).toBeInstanceOf(RetryableDeliveryError);
    expect(toDeliveryError('weird')).toBeInstanceOf(RetryableDeliveryError);
    const permanent = new PermanentDeliveryError('no', 'failed');
    expect(toDeliveryError(permanent)).toBe(permanent);
  });
});

describe('header helpers', () => {
  it('headerSafe removes line breaks and control characters', () => {
    expect(headerSafe('Weekly\r\nBcc: x@evil')).toBe('Weekly Bcc: x@evil');
    expect(headerSafe('a\u0000b\u2028c\td\u0085e')).toBe('a b c d e');
    expect(headerSafe('x'.repeat(300))).toHaveLength(200);
  });

  it('derives a stable Message-ID on the domain of MAIL_FROM', () => {
    expect(messageIdFor('3f1c-aa', 'Reports <reports@acme.io>')).toBe('<3f1c-aa@acme.io>');
    expect(messageIdFor('3f1c-aa', 'reports@localhost')).toBe('<3f1c-aa@localhost>');
    expect(messageIdFor('a>b\r\n', 'r@x.io')).toBe('<ab@x.io>');
    expect(fromAddress('Reports <reports@acme.io>')).toBe('reports@acme.io');
  });

  it('keeps the URL and adds short timeouts (nodemailer would drop them next to `url`)', () => {
    const config = {
      mail: { smtpUrl: 'smtp://user:p%40ss@mail.local:2525', from: 'r@x.io' },
      delivery: { concurrency: 10 },
    } as AppConfig;
    expect(smtpTransportOptions(config)).toMatchObject({
      host: 'mail.local',
      port: 2525,
      secure: false,
      auth: { user: 'user', pass: 'p@ss' },
      pool: true,
      maxRequeues: 0,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  });
});

describe('MailTransport', () => {
  function transportWith(sendMail: jest.Mock) {
    const config = { values: { mail: { from: 'Reports <reports@acme.io>' } } } as AppConfigService;
    return new MailTransport({ sendMail } as unknown as MailerService, config);
  }
  const mail = {
    to: { address: 'eve@example.com', name: 'Eve\r\nBcc: x@evil' },
    fromName: 'Acme\nBcc: y@evil',
    subject: 'Weekly\r\nBcc: z@evil',
    html: '<p>hi</p>',
    text: 'hi',
    messageKey: 'd-1',
    headers: { 'List-Unsubscribe': '<https://x/u/1>\r\nBcc: w@evil' },
  };

  it('sends with sanitised headers and the derived Message-ID', async () => {
    const sendMail = jest.fn().mockResolvedValue({ response: '250 2.0.0 OK queued' });
    const accepted = await transportWith(sendMail).send(mail);
    expect(accepted).toEqual({ messageId: '<d-1@acme.io>', response: '250 2.0.0 OK queued' });
    const options = sendMail.mock.calls[0][0];
    expect(options).toMatchObject({
      from: { name: 'Acme Bcc: y@evil', address: 'reports@acme.io' },
      to: { name: 'Eve Bcc: x@evil', address: 'eve@example.com' },
      subject: 'Weekly Bcc: z@evil',
      messageId: '<d-1@acme.io>',
      headers: { 'List-Unsubscribe': '<https://x/u/1> Bcc: w@evil' },
    });
    expect(options.envelope).toEqual({ from: 'reports@acme.io', to: ['eve@example.com'] });
    expect(JSON.stringify(options)).not.toMatch(/\\r|\\n/);
  });

  it('always hands nodemailer address objects, never a string it would parse', async () => {
    const sendMail = jest.fn().mockResolvedValue({ response: '250 OK' });
    await transportWith(sendMail).send({ ...mail, to: { address: 'eve@example.com' } });
    expect(sendMail.mock.calls[0][0]).toMatchObject({
      to: { name: '', address: 'eve@example.com' },
      envelope: { from: 'reports@acme.io', to: ['eve@example.com'] },
    });
  });

  it.each([
    'eve@example.com, mallory@evil.test',
    'eve@example.com,mallory@evil.test',
    'Eve <eve@example.com>',
    '"mallory@evil.test"@example.com',
    'eve@example.com\r\nBcc: mallory@evil.test',
  ])('refuses the address %j for good, sending nothing', async (address) => {
    const sendMail = jest.fn();
    const content = Readable.from([Buffer.from('x')]);
    const error = await transportWith(sendMail)
      .send({
        ...mail,
        to: { address },
        attachment: { filename: 'a.csv', contentType: 'text/csv', content },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ outcome: 'failed' });
    expect(sendMail).not.toHaveBeenCalled();
    expect(content.destroyed).toBe(true);
  });

  describe('against a real SMTP server', () => {
    let inbox: SmtpInbox;
    let mailer: MailerService;

    beforeAll(async () => {
      inbox = await startSmtpInbox();
      const { MailerService: RealMailer } = jest.requireActual('@nestjs-modules/mailer');
      mailer = new RealMailer({
        transport: { host: '127.0.0.1', port: inbox.port, secure: false, ignoreTLS: true },
      }) as MailerService;
    });
    afterAll(async () => {
      await (mailer as unknown as { onModuleDestroy(): Promise<void> }).onModuleDestroy();
      await inbox.stop();
    });

    const transport = () =>
      new MailTransport(mailer, {
        values: { mail: { from: 'Reports <reports@acme.io>' } },
      } as AppConfigService);

    it('names exactly one envelope recipient, whatever the display name holds', async () => {
      inbox.clear();
      await transport().send({
        ...mail,
        to: { address: 'eve@example.com', name: 'mallory@evil.test, <bob@evil.test>' },
      });
      const [message] = await inbox.waitForMessages(1);
      expect(message.envelope).toEqual({ from: 'reports@acme.io', to: ['eve@example.com'] });
    });

    it('never reaches a second recipient through a crafted address', async () => {
      inbox.clear();
      await expect(
        transport().send({ ...mail, to: { address: 'eve@example.com, mallory@evil.test' } }),
      ).rejects.toBeInstanceOf(PermanentDeliveryError);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(inbox.messages).toHaveLength(0);
    });
  });

  it('maps failures and closes an attachment stream it never read', async () => {
    const sendMail = jest
      .fn()
      .mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }));
    const content = Readable.from([Buffer.from('x')]);
    const attempt = transportWith(sendMail).send({
      ...mail,
      attachment: { filename: 'a.csv', contentType: 'text/csv', content },
    });
    await expect(attempt).rejects.toBeInstanceOf(RetryableDeliveryError);
    expect(content.destroyed).toBe(true);
  });

  it('hands a send still running at the backstop on as in flight, and closes its file only once it settled', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      let accept!: (info: { response: string }) => void;
      const sendMail = jest.fn(() => new Promise((resolve) => (accept = resolve)));
      const content = Readable.from([Buffer.from('x')]);
      const failure = transportWith(sendMail)
        .send({ ...mail, attachment: { filename: 'a.csv', contentType: 'text/csv', content } })
        .catch((error: unknown) => error);

      await jest.advanceTimersByTimeAsync(SEND_DEADLINE_MS);
      const error = (await failure) as UnknownOutcomeError;

      expect(error).toBeInstanceOf(UnknownOutcomeError);
      expect(content.destroyed).toBe(false);
      accept({ response: '250 OK queued' });
      await expect(error.inFlight).resolves.toEqual({
        messageId: '<d-1@acme.io>',
        response: '250 OK queued',
      });
      expect(content.destroyed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses at once, as a retry, once the mailer closed its pool (shutdown), instead of hanging', async () => {
    const { MailerService: RealMailer } = jest.requireActual('@nestjs-modules/mailer');
    const mailer = new RealMailer({
      transport: { host: '127.0.0.1', port: 9, pool: true, ignoreTLS: true },
    }) as MailerService;
    await (mailer as unknown as { onModuleDestroy(): Promise<void> }).onModuleDestroy();
    const config = { values: { mail: { from: 'reports@acme.io' } } } as AppConfigService;
    const started = Date.now();
    await expect(new MailTransport(mailer, config).send(mail)).rejects.toThrow(/shutting down/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
