import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatBytes, formatDateTime, MailTemplates } from './mail-templates';

const TEMPLATES_DIR = path.join(__dirname, '..', '..', '..', '..', 'templates', 'email');
const HOSTILE = '<script>alert("x")</script> & {{constructor}}';

function reportData(overrides: Record<string, unknown> = {}) {
  return {
    brandName: 'Acme <b>Billing</b>',
    title: 'Weekly (2026-11-02 to 2026-11-08)',
    footerNote: 'You receive this because...',
    unsubscribeUrl: 'https://reports.example/api/unsubscribe/tok?a=1&b=2',
    scheduleName: HOSTILE,
    recipientName: null,
    facts: [{ label: 'Rows', value: '1,204' }],
    attached: true,
    fileName: 'Weekly_2026-11-09.csv',
    fileSize: '1.2 MB',
    downloadUrl: 'https://reports.example/api/files/tok',
    linkExpiresAt: 'Nov 16, 2026, 9:00 AM EST',
    ...overrides,
  };
}

function noticeData(overrides: Record<string, unknown> = {}) {
  return {
    brandName: 'Acme',
    title: 'Report failed',
    footerNote: 'You created it.',
    unsubscribeUrl: null,
    scheduleName: HOSTILE,
    scheduledFor: 'Nov 9, 2026, 9:00 AM EST',
    reason: 'query timed out <after 60 s>',
    failedDeliveries: [{ recipient: 'eve@example.com', error: 'SMTP 550 <no>' }],
    failureCount: 'its last 5 runs all failed',
    historyUrl: 'https://reports.example/api/scheduled-reports/s/executions',
    facts: [{ label: 'Execution id', value: 'e-1' }],
    ...overrides,
  };
}

describe('MailTemplates', () => {
  const templates = new MailTemplates();

  it('escapes data in HTML and keeps it literal in text', () => {
    const { html, text } = templates.render('report-ready', reportData());
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; {{constructor}}',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('Acme &lt;b&gt;Billing&lt;/b&gt;');
    expect(text).toContain(HOSTILE);
    expect(text).not.toContain('&lt;');
  });

  it('says "attached" or gives the link with its expiry, and always the unsubscribe link', () => {
    const attached = templates.render('report-ready', reportData());
    expect(attached.text).toContain('The report is attached: Weekly_2026-11-09.csv (1.2 MB).');
    expect(attached.text).not.toContain('/api/files/');
    const linked = templates.render('report-ready', reportData({ attached: false }));
    expect(linked.html).toContain('href="https://reports.example/api/files/tok"');
    expect(linked.text).toContain('https://reports.example/api/files/tok');
    expect(linked.text).toContain('The link expires Nov 16, 2026, 9:00 AM EST.');
    for (const part of [attached.html, linked.html]) {
      expect(part).toContain('https://reports.example/api/unsubscribe/tok?a&#x3D;1&amp;b&#x3D;2');
    }
    expect(linked.text).toContain(
      'Unsubscribe from this report: https://reports.example/api/unsubscribe/tok?a=1&b=2',
    );
  });

  it.each(['execution-failed', 'delivery-failed', 'schedule-paused'] as const)(
    'renders notice %s with the reason and the history link, escaped',
    (name) => {
      const { html, text } = templates.render(name, noticeData());
      expect(html).toContain('href="https://reports.example/api/scheduled-reports/s/executions"');
      expect(html).not.toContain('<script>');
      expect(text).toContain('https://reports.example/api/scheduled-reports/s/executions');
      expect(text).toContain(HOSTILE);
      expect(text).not.toContain('Unsubscribe');
    },
  );

  it('is strict: a missing field throws instead of printing nothing', () => {
    const data: Record<string, unknown> = reportData();
    delete data.fileName;
    expect(() => templates.render('report-ready', data as never)).toThrow(/fileName/);
  });

  it('never triple-stashes: every value goes through the escaping {{ }}', () => {
    const files = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.hbs'),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')).not.toContain('{{{');
    }
  });
});

describe('formatting', () => {
  it('shows a time in the given zone, falling back to UTC for an unknown zone', () => {
    const at = new Date('2026-11-09T14:00:00Z');
    expect(formatDateTime(at, 'America/New_York')).toBe('Nov 9, 2026, 9:00 AM EST');
    expect(formatDateTime(at, 'Not/AZone')).toBe('Nov 9, 2026, 2:00 PM UTC');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MB');
  });
});
