import type { ReportDelivery } from './entities/report-delivery.entity';
import { maskUrl } from 'src/common/net/mask-url';
import { redactText, toReportDeliveryDto } from './report-delivery.mapper';

const WEBHOOK = 'https://hooks.example.com/services/T000/B000/s3cr3t?token=abc';

function delivery(overrides: Partial<ReportDelivery> = {}): ReportDelivery {
  return {
    id: 'd-1',
    report_execution_id: 'e-1',
    recipient_type: 'webhook',
    recipient_value: WEBHOOK,
    status: 'failed',
    attempts: 5,
    delivered_at: null,
    error_message:
      'gave up after 5 attempts: webhook receiver answered HTTP 502: <html>upstream ' +
      'db-7.internal.corp (10.4.2.9) refused</html>',
    metadata: {
      http_status: 502,
      previous_error: 'webhook request failed: connect ECONNREFUSED 10.4.2.9:443',
      smtp_response: '250 2.0.0 Ok: queued as 4F3C by mx1.internal.corp [192.168.7.3]',
      resent_at: '2026-11-30T14:00:07.000Z',
    },
    ...overrides,
  } as ReportDelivery;
}

describe('toReportDeliveryDto', () => {
  it('shows an admin every detail', () => {
    const dto = toReportDeliveryDto(delivery(), { roles: ['admin'] });
    expect(dto.recipient_value).toBe(WEBHOOK);
    expect(dto.error_message).toContain('db-7.internal.corp (10.4.2.9)');
    expect(dto.metadata).toEqual(delivery().metadata);
  });

  it.each([['editor'], ['viewer']] as const)('masks the details for an %s', (role) => {
    const dto = toReportDeliveryDto(delivery(), { roles: [role] });
    expect(dto.recipient_value).toBe('https://hooks.example.com/…');
    expect(dto.error_message).toBe(
      'gave up after 5 attempts: webhook receiver answered HTTP 502 (response body hidden)',
    );
    expect(dto.metadata).toEqual({
      http_status: 502,
      previous_error: 'webhook request failed: connect ECONNREFUSED [address]',
      smtp_response: '250 2.0.0 Ok: queued as 4F3C by [host] [[address]]',
      resent_at: '2026-11-30T14:00:07.000Z',
    });
    expect(JSON.stringify(dto)).not.toMatch(/s3cr3t|token=|internal\.corp|10\.4\.2\.9|192\.168/);
  });

  it('leaves email and Slack recipients as they are', () => {
    const email = delivery({
      recipient_type: 'email',
      recipient_value: 'ana@acme.example',
      error_message: null,
    });
    expect(toReportDeliveryDto(email, { roles: ['viewer'] })).toMatchObject({
      recipient_value: 'ana@acme.example',
      error_message: null,
    });
  });
});

describe('redactText', () => {
  it.each([
    [
      'webhook receiver refused the delivery with HTTP 403: {"error":"bad key k-123"}; not retried, fix the endpoint and resend',
      'webhook receiver refused the delivery with HTTP 403 (response body hidden); not retried, fix the endpoint and resend',
    ],
    [
      'webhook receiver answered HTTP 302 redirecting to http://admin.internal.corp:8080/x?y=1; redirects are not followed, so point the schedule at the final URL',
      'webhook receiver answered HTTP 302 redirecting to http://[host]/…; redirects are not followed, so point the schedule at the final URL',
    ],
    [
      'webhook target hooks.customer.example resolves to 127.0.0.1, which is a private or reserved address',
      'webhook target [host] resolves to [address], which is a private or reserved address',
    ],
    [
      'webhook target fd12:3456::1 is a private or reserved address',
      'webhook target [address] is a private or reserved address',
    ],
    [
      'SMTP connection failed: getaddrinfo ENOTFOUND smtp.corp.lan',
      'SMTP connection failed: getaddrinfo ENOTFOUND [host]',
    ],
    [
      'Slack chat.postMessage answered channel_not_found',
      'Slack chat.postMessage answered channel_not_found',
    ],
    ['SMTP 550 5.1.1 mailbox unavailable', 'SMTP 550 5.1.1 mailbox unavailable'],
    [
      'webhook receiver did not answer within 5000 ms',
      'webhook receiver did not answer within 5000 ms',
    ],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('maskUrl', () => {
  it('keeps the scheme, host and port only', () => {
    expect(maskUrl('https://user:pw@hooks.example.com:8443/a/b?c=d#e')).toBe(
      'https://hooks.example.com:8443/…',
    );
    expect(maskUrl('not a url')).toBe('…');
  });
});
