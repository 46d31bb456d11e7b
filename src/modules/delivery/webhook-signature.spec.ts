import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"event":"report.completed"}';
  const t = 1_790_000_000;

  it('signs "t.body" with HMAC-SHA256, as the webhook contract spells it', () => {
    const expected = createHmac('sha256', 'whsec_current').update(`${t}.${body}`).digest('hex');
    expect(signWebhook(body, ['whsec_current'], t)).toBe(`t=${t},v1=${expected}`);
  });

  it('adds one v1 per secret, the current one first', () => {
    const header = signWebhook(body, ['current', 'previous'], t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(header, body, 'current', 300, t)).toBe(true);
    expect(verifyWebhookSignature(header, body, 'previous', 300, t)).toBe(true);
    expect(verifyWebhookSignature(header, body, 'other', 300, t)).toBe(false);
  });

  it('refuses a changed body, a stale timestamp and a malformed header', () => {
    const header = signWebhook(body, ['s'], t);
    expect(verifyWebhookSignature(header, `${body} `, 's', 300, t)).toBe(false);
    expect(verifyWebhookSignature(header, body, 's', 300, t + 301)).toBe(false);
    expect(verifyWebhookSignature(header, body, 's', 300, t - 299)).toBe(true);
    expect(verifyWebhookSignature(`v1=${header.split('v1=')[1]}`, body, 's', 300, t)).toBe(false);
    expect(verifyWebhookSignature(`${header},t=${t}`, body, 's', 300, t)).toBe(false);
    expect(verifyWebhookSignature(`t=${t},v1=abc`, body, 's', 300, t)).toBe(false);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook(body, [], t)).toThrow(/at least one signing secret/);
  });
});
