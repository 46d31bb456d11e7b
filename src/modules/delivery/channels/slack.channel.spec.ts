import { Readable } from 'node:stream';
import { AppConfigService } from 'src/config/app-config.service';
import { SlackApiClient } from 'src/modules/delivery/channels/slack-api.client';
import {
  escapeMrkdwn,
  SLACK_UPLOAD_MAX_BYTES,
  SlackChannel,
} from 'src/modules/delivery/channels/slack.channel';
import type { DeliveryContext } from 'src/modules/delivery/delivery-channel';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
} from 'src/modules/delivery/delivery.errors';
import { FakeSlackApi } from 'test/utils/fake-slack-api';
import { newDeliveryContext } from 'test/factories/delivery-context';

const TOKEN = 'xoxb-1111-2222-secretsecret';
const FILE = Buffer.from('id,amount\n1,100\n2,200\n');

function channelFor(slackApiUrl: string, allowHosts = ['127.0.0.1']): SlackChannel {
  const config = { values: { slackApiUrl, outboundAllowHosts: allowHosts } } as AppConfigService;
  return new SlackChannel(new SlackApiClient(config));
}

function context(
  overrides: {
    value?: string;
    token?: string | null;
    fileSize?: number;
    limit?: number;
    memory?: Record<string, unknown>;
    scheduleName?: string;
  } = {},
): DeliveryContext & { remembered: Record<string, unknown>[] } {
  const remembered: Record<string, unknown>[] = [];
  const memory = { ...overrides.memory };
  const base = newDeliveryContext({
    deliveryId: 'd-1',
    recipient: {
      type: 'slack_channel',
      value: overrides.value ?? 'C0000REPORTS',
      email: undefined,
    },
    organization: {
      brandName: 'Acme <Billing>',
      attachmentLimitBytes: overrides.limit ?? 10 * 1024 * 1024,
      slackBotToken: overrides.token === undefined ? TOKEN : overrides.token,
    },
    schedule: { name: overrides.scheduleName ?? 'Weekly invoices' },
    execution: { rowsGenerated: 1234, fileSize: overrides.fileSize ?? FILE.length },
    downloadUrl: 'http://localhost:3000/api/files/tok.en',
    unsubscribeUrl: null,
    historyUrl: 'http://localhost:3000/api/scheduled-reports/s-1/executions',
    openFile: async () => Readable.from([FILE]),
    memory,
    remember: async (facts) => {
      remembered.push(facts);
      Object.assign(memory, facts);
    },
  });
  return Object.assign(base, { remembered });
}

describe('SlackChannel (against a fake Slack API)', () => {
  let slack: FakeSlackApi;
  let channel: SlackChannel;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    channel = channelFor(slack.url);
  });
  afterEach(() => slack.reset());
  afterAll(() => slack.close());

  it('uploads a small file with the summary and link as its comment', async () => {
    const sent = await channel.send(context());
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    const [getUrl, upload, complete] = slack.calls;
    expect(getUrl.authorization).toBe(`Bearer ${TOKEN}`);
    expect(getUrl.contentType).toBe('application/x-www-form-urlencoded');
    expect(getUrl.body).toEqual({
      filename: 'Weekly_invoices_2026-11-09.csv',
      length: String(FILE.length),
    });
    expect(upload.raw.equals(FILE)).toBe(true);
    expect(upload.authorization).toBeUndefined();
    expect(complete.contentType).toBe('application/json; charset=utf-8');
    expect(complete.authorization).toBe(`Bearer ${TOKEN}`);
    const fileId = (complete.body.files as Array<{ id: string }>)[0].id;
    expect(complete.body).toMatchObject({
      channel_id: 'C0000REPORTS',
      files: [{ id: fileId, title: 'Weekly_invoices_2026-11-09.csv' }],
    });
    expect(complete.body.initial_comment).toContain(
      '<http://localhost:3000/api/files/tok.en|Download Weekly_invoices_2026-11-09.csv>',
    );
    expect(slack.uploads.get(fileId)?.equals(FILE)).toBe(true);
    expect(sent.metadata).toEqual({
      slack_channel_id: 'C0000REPORTS',
      file_id: fileId,
      uploaded: true,
    });
  });

  it('posts blocks and the link when the file is above the attachment limit', async () => {
    const sent = await channel.send(context({ limit: 10 }));
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    const post = slack.calls[0];
    expect(post.contentType).toBe('application/json; charset=utf-8');
    expect(post.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.body.channel).toBe('C0000REPORTS');
    expect(post.body.text).toContain('http://localhost:3000/api/files/tok.en');
    const blocks = post.body.blocks as Array<{
      type: string;
      text?: { text: string };
      fields?: Array<{ text: string }>;
      elements?: Array<{ text: string }>;
    }>;
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Weekly invoices' } });
    const fields = (blocks[1].fields ?? []).map((f) => f.text).join('\n');
    expect(fields).toContain('invoice_summary');
    expect(fields).toContain('2026-11-02 to 2026-11-08');
    expect(fields).toContain('1,234');
    expect(fields).toContain('Nov 9, 2026, 9:00 AM GMT+1'); // data as of, in Europe/Berlin
    expect(blocks[2].text?.text).toContain('<http://localhost:3000/api/files/tok.en|Download');
    expect(blocks[2].text?.text).toContain('link expires Nov 12, 2026, 9:00 AM GMT+1');
    expect(blocks[3].elements?.[0].text).toContain('Acme &lt;Billing&gt;');
    expect(sent.metadata).toMatchObject({ slack_channel_id: 'C0000REPORTS', uploaded: false });
    expect(sent.metadata?.ts).toMatch(/^1700000000\.\d+$/);
  });

  it.each([
    ['above the Slack upload cap', SLACK_UPLOAD_MAX_BYTES + 1],
    ['empty', 0],
  ])('posts the link when the file is %s', async (_label, fileSize) => {
    const sent = await channel.send(context({ fileSize, limit: 200 * 1024 * 1024 }));
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(sent.metadata?.uploaded).toBe(false);
  });

  it('escapes Slack control characters in user text', async () => {
    await channel.send(context({ limit: 0, scheduleName: 'P&L <!channel> > plan' }));
    const post = slack.callsTo('chat.postMessage')[0];
    expect(post.body.text).toContain('P&amp;L &lt;!channel&gt; &gt; plan');
    expect(post.body.text).not.toContain('<!channel>');
    expect(escapeMrkdwn('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
  });

  it('resolves a channel name once, across pages, and remembers the id', async () => {
    const ctx = context({ value: '#Reports', limit: 0 });
    const sent = await channel.send(ctx);
    const lists = slack.callsTo('conversations.list');
    expect(lists).toHaveLength(2);
    expect(lists[0].body).toMatchObject({ types: 'public_channel,private_channel' });
    expect(lists[1].body.cursor).toBe('2');
    expect(ctx.remembered).toEqual([{ slack_channel_id: 'C0000REPORTS' }]);
    expect(slack.callsTo('chat.postMessage')[0].body.channel).toBe('C0000REPORTS');
    expect(sent.metadata?.slack_channel_id).toBe('C0000REPORTS');

    slack.reset();
    await channel.send(ctx); // the retry reuses the remembered id
    expect(slack.callsTo('conversations.list')).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')[0].body.channel).toBe('C0000REPORTS');
  });

  it('fails for good when no channel has that name', async () => {
    await expect(channel.send(context({ value: 'nowhere' }))).rejects.toThrow(
      /no Slack channel named #nowhere/,
    );
  });

  it.each(['missing_scope', 'not_allowed_token_type'])(
    'falls back to the link when the token may not upload (%s)',
    async (error) => {
      slack.reply('files.getUploadURLExternal', {
        body: { ok: false, error, needed: 'files:write' },
      });
      const sent = await channel.send(context());
      expect(slack.calls.map((c) => c.method)).toEqual([
        'files.getUploadURLExternal',
        'chat.postMessage',
      ]);
      expect(sent.metadata).toMatchObject({ uploaded: false, upload_skipped: error });
    },
  );

  it('falls back to the link when completing the upload is refused for scope', async () => {
    slack.reply('files.completeUploadExternal', { body: { ok: false, error: 'missing_scope' } });
    const sent = await channel.send(context());
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
      'chat.postMessage',
    ]);
    expect(sent.metadata?.uploaded).toBe(false);
  });

  it('falls back to the link when the upload URL refuses the bytes', async () => {
    slack.reply('upload', { status: 403, body: 'forbidden' });
    const sent = await channel.send(context());
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'chat.postMessage',
    ]);
    expect(sent.metadata).toMatchObject({ uploaded: false, upload_skipped: 'upload_http_403' });
  });

  it('retries the whole delivery when the upload URL fails on its side', async () => {
    slack.reply('upload', { status: 502, body: 'bad gateway' });
    await expect(channel.send(context())).rejects.toBeInstanceOf(RetryableDeliveryError);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('turns HTTP 429 into a retryable error that waits Retry-After', async () => {
    slack.reply('chat.postMessage', {
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { ok: false, error: 'ratelimited' },
    });
    const error = await channel.send(context({ limit: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(7000);
  });

  it.each([
    ['channel_not_found', /does not exist/],
    ['not_in_channel', /not a member of the channel/],
  ])('fails for good on %s', async (code, message) => {
    slack.reply('chat.postMessage', { body: { ok: false, error: code } });
    const error = await channel.send(context({ limit: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).outcome).toBe('failed');
    expect((error as Error).message).toMatch(message);
  });

  it('fails for good on channel_not_found while completing an upload', async () => {
    slack.reply('files.completeUploadExternal', { body: { ok: false, error: 'not_in_channel' } });
    await expect(channel.send(context())).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('fails for good without a Slack integration, before any call', async () => {
    await expect(channel.send(context({ token: null }))).rejects.toThrow(
      'the organization has no Slack integration; an admin can add one with PUT /api/admin/integrations/slack',
    );
    expect(slack.calls).toHaveLength(0);
  });

  it('refuses a private SLACK_API_URL that is not allow-listed', async () => {
    const guarded = channelFor(slack.url, []);
    const error = await guarded.send(context({ limit: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(slack.calls).toHaveLength(0);
  });
});
