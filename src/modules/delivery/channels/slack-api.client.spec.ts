import { AppConfigService } from 'src/config/app-config.service';
import { SlackApiClient, SlackApiError } from 'src/modules/delivery/channels/slack-api.client';
import {
  PermanentDeliveryError,
  RetryableDeliveryError,
} from 'src/modules/delivery/delivery.errors';
import { FakeSlackApi } from 'test/utils/fake-slack-api';

const TOKEN = 'xoxb-1111-2222-secretsecret';
const MESSAGE = { channel: 'C0000REPORTS', text: 'hello' };

function clientFor(slackApiUrl: string, allowHosts = ['127.0.0.1']): SlackApiClient {
  const config = { values: { slackApiUrl, outboundAllowHosts: allowHosts } } as AppConfigService;
  return new SlackApiClient(config);
}

describe('SlackApiClient (against a fake Slack API)', () => {
  let slack: FakeSlackApi;
  let client: SlackApiClient;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    client = clientFor(`${slack.url}/`);
  });
  afterEach(() => slack.reset());
  afterAll(() => slack.close());

  it('posts JSON with the bearer token and no unfurling of the signed link', async () => {
    const posted = await client.postMessage(TOKEN, MESSAGE);
    const [call] = slack.calls;
    expect(call).toMatchObject({
      method: 'chat.postMessage',
      authorization: `Bearer ${TOKEN}`,
      contentType: 'application/json; charset=utf-8',
    });
    expect(call.body).toEqual({ ...MESSAGE, unfurl_links: false, unfurl_media: false });
    expect(posted).toEqual({ channel: 'C0000REPORTS', ts: expect.stringMatching(/^\d+\.\d+$/) });
  });

  it('finds channels case-insensitively and gives null for an unknown name', async () => {
    expect(await client.findChannelId(TOKEN, 'General')).toBe('C0000GENERAL');
    expect(await client.findChannelId(TOKEN, '#nowhere')).toBeNull();
    const lists = slack.callsTo('conversations.list');
    expect(lists.map((c) => c.body.cursor)).toEqual([undefined, undefined, '2']);
    expect(lists[0].body).toMatchObject({ exclude_archived: 'true', limit: '200' });
  });

  it.each([
    ['7', 7000],
    [new Date(Date.now() + 60_000).toUTCString(), 59_000],
  ])('turns HTTP 429 with Retry-After %s into a wait of about %i ms', async (header, ms) => {
    slack.reply('chat.postMessage', { status: 429, headers: { 'Retry-After': header } });
    const error = await client.postMessage(TOKEN, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBeGreaterThanOrEqual(ms);
    expect((error as RetryableDeliveryError).retryAfterMs).toBeLessThanOrEqual(ms + 1000);
  });

  it.each([
    ['HTTP 503', { status: 503, body: 'upstream down' }],
    ['HTTP 500 with JSON', { status: 500, body: { ok: false, error: 'internal_error' } }],
    ['ratelimited in the body', { body: { ok: false, error: 'ratelimited' } }],
    ['service_unavailable', { body: { ok: false, error: 'service_unavailable' } }],
    ['a non-JSON 200', { body: '<html>maintenance</html>' }],
  ])('retries on %s', async (_label, reply) => {
    slack.reply('chat.postMessage', reply);
    await expect(client.postMessage(TOKEN, MESSAGE)).rejects.toBeInstanceOf(RetryableDeliveryError);
  });

  it.each([
    ['channel_not_found', /does not exist/],
    ['not_in_channel', /not a member of the channel; invite it/],
    ['is_archived', /archived/],
    ['invalid_auth', /PUT \/api\/admin\/integrations\/slack/],
    ['account_inactive', /rejected the organization's token \(account_inactive\)/],
    ['token_revoked', /rejected the organization's token/],
    ['missing_scope', /lacks the scope chat:write/],
    ['msg_too_long', /chat.postMessage answered msg_too_long/],
  ])('fails for good on %s, without the token in the message', async (code, message) => {
    slack.reply('chat.postMessage', { body: { ok: false, error: code, needed: 'chat:write' } });
    const error = await client.postMessage(TOKEN, MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({
      slackError: code,
      method: 'chat.postMessage',
      outcome: 'failed',
    });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('fails for good on an HTTP 404 (a wrong SLACK_API_URL)', async () => {
    slack.reply('chat.postMessage', { status: 404, body: 'not found' });
    await expect(client.postMessage(TOKEN, MESSAGE)).rejects.toThrow(/check SLACK_API_URL/);
  });

  it('refuses a private address that is not allow-listed, without connecting', async () => {
    const error = await clientFor(slack.url, [])
      .postMessage(TOKEN, MESSAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/refused/);
    expect(slack.calls).toHaveLength(0);
  });

  it('retries when Slack cannot be reached', async () => {
    await expect(
      clientFor('http://127.0.0.1:1/api').postMessage(TOKEN, MESSAGE),
    ).rejects.toBeInstanceOf(RetryableDeliveryError);
  });
});
