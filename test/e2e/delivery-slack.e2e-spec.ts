import { newMember, newOrg, TestMember } from 'test/factories';
import { FakeSlackApi } from 'test/utils/fake-slack-api';
import { settledDeliveries } from 'test/utils/deliveries';
import { clientFor, rawBody } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';

jest.setTimeout(120_000);

describe('Slack delivery through the pipeline, against a local Slack Web API', () => {
  let slack: FakeSlackApi;
  let inbox: SmtpInbox;
  let t: TestApp;
  let editor: TestMember;
  let admin: TestMember;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    inbox = await startSmtpInbox();
    t = await createTestApp({
      role: 'all',
      env: {
        SLACK_API_URL: slack.url,
        SMTP_URL: inbox.url,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '200',
      },
    });
    useManualTicks(t.app);
    const orgId = (await newOrg(t.db)).id;
    editor = newMember(orgId, { roles: ['editor'] });
    admin = newMember(orgId, { roles: ['admin'] });
    await clientFor(t, admin)
      .put('/api/admin/integrations/slack', { bot_token: 'xoxb-1234-5678-abcdefghijklmnop' })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
    await inbox.stop();
  });
  beforeEach(() => {
    slack.reset();
    inbox.clear();
  });

  const runTo = (channel: string) =>
    runReportNow(t, editor, { recipients: [{ type: 'slack_channel', value: channel }] });

  it('uploads the file to the channel resolved from its name, with the org token', async () => {
    const execution = await runTo('#reports');
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({
      status: 'sent',
      metadata: { slack_channel_id: 'C0000REPORTS', uploaded: true },
    });
    const complete = slack.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0].authorization).toBe('Bearer xoxb-1234-5678-abcdefghijklmnop');
    expect(JSON.stringify(complete[0].body)).toContain('C0000REPORTS');
    const file = await clientFor(t, editor)
      .get(`/api/report-executions/${execution.id}/download`)
      .buffer(true)
      .parse(rawBody)
      .expect(200);
    expect([...slack.uploads.values()][0].equals(file.body as Buffer)).toBe(true);
  });

  it('posts the summary with a signed link when the token may not upload', async () => {
    slack.reply('files.getUploadURLExternal', { body: { ok: false, error: 'missing_scope' } });
    const execution = await runTo('C0000GENERAL');
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'sent', metadata: { uploaded: false } });
    const [post] = slack.callsTo('chat.postMessage');
    expect(post.body.channel).toBe('C0000GENERAL');
    const link = /https?:\/\/[^\s|>"]+\/api\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(
      JSON.stringify(post.body),
    )?.[0];
    expect(link).toBeDefined();
    await t.http().get(new URL(link!).pathname).expect(200);
  });

  it('waits out a 429 Retry-After, then delivers once', async () => {
    slack.reply('files.getUploadURLExternal', {
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    const execution = await runTo('C0000GENERAL');
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });

  it('a channel the bot is not in fails at once, without retries, and the creator is told', async () => {
    slack.reply('files.getUploadURLExternal', { body: { ok: false, error: 'missing_scope' } });
    slack.reply('chat.postMessage', { body: { ok: false, error: 'not_in_channel' } });
    const execution = await runTo('C0000RANDOM');
    const [delivery] = await settledDeliveries(t, execution.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.error_message).toMatch(/not_in_channel|not in the channel/i);
    const [notice] = await inbox.waitForMessagesTo(editor.email);
    expect(notice.envelope.to).toEqual([editor.email]);
  });
});
