import { OUTPUT_FORMATS } from 'src/domain/vocabulary';
import { REPORT_TYPES } from 'src/modules/generators/report-types/report-types';
import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { createTestApp, TestApp } from 'test/utils/test-app';

describe('schedule validation, previews and the catalogue', () => {
  let t: TestApp;
  let orgId: string;
  let editor: TestMember;
  let teammate: TestMember;

  const post = (url: string, body: object, member = editor) =>
    t
      .http()
      .post(url)
      .set('Authorization', `Bearer ${tokenFor(member)}`)
      .send(body);
  const create = (overrides: Record<string, unknown>) =>
    post('/api/scheduled-reports', scheduleBody(overrides));
  const messagesOf = (res: { body: { message: string | string[] } }) =>
    ([] as string[]).concat(res.body.message).join('\n');

  beforeAll(async () => {
    t = await createTestApp();
    orgId = (await newOrg(t.db, { allowed_email_domains: ['acme.example'], max_recipients: 3 })).id;
    editor = newMember(orgId, { roles: ['editor'] });
    teammate = newMember(orgId, { roles: ['viewer'], email: 'teammate@elsewhere.example' });
    // Members exist once they have called the API.
    await t
      .http()
      .get('/api/members')
      .set('Authorization', `Bearer ${tokenFor(teammate)}`)
      .expect(200);
  });
  afterAll(() => t.close());

  const countSchedules = async () =>
    (
      await t.db.query(
        'SELECT count(*)::int AS n FROM scheduled_reports WHERE organization_id = $1',
        [orgId],
      )
    )[0].n;

  it.each([
    [
      'an unknown time zone',
      { cadence: 'daily', time: '09:00', timezone: 'Mars/Olympus' },
      /timezone/,
    ],
    ['a malformed time', { cadence: 'daily', time: '9am', timezone: 'UTC' }, /time/],
    [
      'a weekly schedule without day_of_week',
      { cadence: 'weekly', time: '09:00', timezone: 'UTC' },
      /day_of_week/,
    ],
    [
      'day_of_month 32',
      { cadence: 'monthly', time: '09:00', timezone: 'UTC', day_of_month: 32 },
      /day_of_month/,
    ],
    ['an unknown cadence', { cadence: 'hourly', time: '09:00', timezone: 'UTC' }, /cadence/],
    [
      'an invalid cron expression',
      { cadence: 'cron', timezone: 'UTC', cron_expression: '61 * * * *' },
      /minute/,
    ],
    [
      'a six-field cron',
      { cadence: 'cron', timezone: 'UTC', cron_expression: '0 0 9 * * 1' },
      /cron_expression/,
    ],
    [
      'a cron firing more often than every 5 minutes',
      { cadence: 'cron', timezone: 'UTC', cron_expression: '*/2 * * * *' },
      /5 minutes/,
    ],
    [
      'an unknown holiday calendar',
      {
        cadence: 'daily',
        time: '09:00',
        timezone: 'UTC',
        business_days_only: true,
        holiday_calendar: 'XX',
      },
      /holiday_calendar/,
    ],
    [
      'an unknown schedule_config key',
      { cadence: 'daily', time: '09:00', timezone: 'UTC', every: 2 },
      /every/,
    ],
  ])(
    'rejects %s with a 400 that says why, storing nothing',
    async (_label, schedule_config, pattern) => {
      const before = await countSchedules();
      const res = await create({ schedule_config });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(messagesOf(res)).toMatch(pattern);
      expect(await countSchedules()).toBe(before);
    },
  );

  it.each([
    ['an unknown report type', { report_type: 'payroll' }, /report_type 'payroll'/],
    [
      'an unknown parameter key',
      { report_parameters: { date_range: { preset: 'yesterday' }, foo: 1 } },
      /unknown key 'foo'/,
    ],
    ['a bad preset', { report_parameters: { date_range: { preset: 'last_century' } } }, /preset/],
    ['a missing required parameter', { report_parameters: {} }, /date_range/],
    ['an unsupported output format', { output_format: 'docx' }, /output_format/],
    ['a non-boolean delivery option', { delivery_options: { compress: 'yes' } }, /compress/],
    ['an unknown delivery option', { delivery_options: { encrypt: true } }, /encrypt/],
    ['a blank name', { name: '   ' }, /name/],
    ['a missing name', { name: undefined }, /name/],
  ])('rejects %s', async (_label, overrides, pattern) => {
    const res = await create(overrides);
    expect(res.status).toBe(400);
    expect(messagesOf(res)).toMatch(pattern);
  });

  it('reports every problem at once', async () => {
    const res = await create({
      schedule_config: { cadence: 'daily', time: '25:00', timezone: 'Nowhere/City' },
      report_parameters: { bogus: true },
    });
    expect(res.status).toBe(400);
    const text = messagesOf(res);
    expect(text).toMatch(/time/);
    expect(text).toMatch(/timezone/);
    expect(text).toMatch(/bogus/);
  });

  describe('recipients', () => {
    it('accepts allowed-domain emails, member emails, member user ids, Slack channels and public webhooks', async () => {
      const res = await create({
        recipients: [
          { type: 'email', value: 'CFO@acme.example' },
          { type: 'email', value: 'teammate@elsewhere.example' },
          { type: 'user_id', value: teammate.sub },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.recipients[0]).toEqual({ type: 'email', value: 'cfo@acme.example' });
    });

    it.each([
      [
        'an address outside the allowed domains',
        [{ type: 'email', value: 'someone@gmail.example' }],
        /allowed email domain/,
      ],
      ['a malformed address', [{ type: 'email', value: 'not-an-address' }], /not an email address/],
      ['an unknown user id', [{ type: 'user_id', value: 'ghost' }], /not an active member/],
      [
        'a user id of another org',
        [{ type: 'user_id', value: 'user-from-elsewhere' }],
        /not an active member/,
      ],
      [
        'duplicates (case-insensitive emails)',
        [
          { type: 'email', value: 'a@acme.example' },
          { type: 'email', value: 'A@ACME.example' },
        ],
        /duplicates/,
      ],
      [
        'more than max_recipients',
        ['a', 'b', 'c', 'd'].map((x) => ({ type: 'email', value: `${x}@acme.example` })),
        /at most 3/,
      ],
      ['an unknown recipient type', [{ type: 'sms', value: '+100' }], /type must be one of/],
      [
        'a bad Slack channel',
        [{ type: 'slack_channel', value: 'general channel' }],
        /Slack channel/,
      ],
      [
        'a webhook to loopback',
        [{ type: 'webhook', value: 'http://127.0.0.1:8080/hook' }],
        /private or reserved/,
      ],
      [
        'a webhook to the metadata service',
        [{ type: 'webhook', value: 'http://169.254.169.254/latest' }],
        /private or reserved/,
      ],
      [
        'a webhook to [::ffff:127.0.0.1]',
        [{ type: 'webhook', value: 'http://[::ffff:127.0.0.1]/' }],
        /private or reserved/,
      ],
      [
        'a webhook to 2130706433',
        [{ type: 'webhook', value: 'http://2130706433/' }],
        /private or reserved/,
      ],
      ['a webhook to localhost', [{ type: 'webhook', value: 'http://localhost/' }], /localhost/],
      ['a non-http webhook', [{ type: 'webhook', value: 'ftp://files.example/x' }], /http\(s\)/],
    ])('rejects %s', async (_label, recipients, pattern) => {
      if (_label === 'a user id of another org') {
        const elsewhere = newMember((await newOrg(t.db)).id, {
          sub: 'user-from-elsewhere',
          roles: ['viewer'],
        });
        await t
          .http()
          .get('/api/members')
          .set('Authorization', `Bearer ${tokenFor(elsewhere)}`)
          .expect(200);
      }
      const res = await create({ recipients });
      expect(res.status).toBe(400);
      expect(messagesOf(res)).toMatch(pattern);
    });
  });

  describe('preview-schedule', () => {
    it('marks a DST gap with a note and runs at the gap end', async () => {
      const res = await post('/api/scheduled-reports/preview-schedule', {
        schedule_config: { cadence: 'daily', time: '02:30', timezone: 'America/New_York' },
        count: 3,
        after: '2027-03-13T12:00:00Z',
      }).expect(200);
      expect(res.body.runs.map((r: { at: string }) => r.at)).toEqual([
        '2027-03-14T07:00:00.000Z',
        '2027-03-15T06:30:00.000Z',
        '2027-03-16T06:30:00.000Z',
      ]);
      expect(res.body.runs[0]).toMatchObject({
        local: '2027-03-14T03:00:00-04:00',
        note_code: 'dst_gap',
      });
      expect(res.body.runs[0].note).toMatch(/02:30 does not exist on 2027-03-14/);
      expect(res.body.runs[1].note).toBeUndefined();
    });

    it('is strictly after `after` and stores nothing', async () => {
      const before = await countSchedules();
      const res = await post('/api/scheduled-reports/preview-schedule', {
        schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' },
        count: 1,
        after: '2026-12-01T09:00:00Z',
      }).expect(200);
      expect(res.body.runs[0].at).toBe('2026-12-02T09:00:00.000Z');
      expect(await countSchedules()).toBe(before);
    });

    it.each([
      [{ count: 51 }, /count must not be greater than 50/],
      [{ after: '2026-12-01' }, /after must be an ISO-8601 instant/],
      [{ after: '2026-12-01T09:00:00' }, /after must be an ISO-8601 instant/],
      [
        { schedule_config: { cadence: 'cron', timezone: 'UTC', cron_expression: '* * * * *' } },
        /5 minutes/,
      ],
    ])('rejects %j', async (overrides, pattern) => {
      const res = await post('/api/scheduled-reports/preview-schedule', {
        schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' },
        ...overrides,
      }).expect(400);
      expect(messagesOf(res)).toMatch(pattern);
    });

    it('a viewer may preview', async () => {
      await post(
        '/api/scheduled-reports/preview-schedule',
        { schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' } },
        teammate,
      ).expect(200);
    });
  });

  describe('catalogue and members', () => {
    it('lists every registered report type with its parameter schema', async () => {
      const res = await t
        .http()
        .get('/api/report-types')
        .set('Authorization', `Bearer ${tokenFor(teammate)}`)
        .expect(200);
      expect(res.body.map((r: { report_type: string }) => r.report_type).sort()).toEqual(
        REPORT_TYPES.map((type) => new type().id).sort(),
      );
      const invoice = res.body.find(
        (r: { report_type: string }) => r.report_type === 'invoice_summary',
      );
      expect(invoice).toMatchObject({
        required_permission: 'billing:read',
        output_formats: [...OUTPUT_FORMATS],
      });
      expect(invoice.parameters_schema).toMatchObject({
        type: 'object',
        additionalProperties: false,
      });
    });

    it('lists the organization’s members only', async () => {
      const res = await t
        .http()
        .get('/api/members?limit=100')
        .set('Authorization', `Bearer ${tokenFor(editor)}`)
        .expect(200);
      const subs = res.body.data.map((m: { user_id: string }) => m.user_id);
      expect(subs).toEqual(expect.arrayContaining([editor.sub, teammate.sub]));
      expect(subs).not.toContain('user-from-elsewhere');
      expect(res.body.data[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          email: expect.any(String),
          roles: expect.any(Array),
        }),
      );
    });

    it('answers 401 without a token', async () => {
      await t.http().get('/api/report-types').expect(401);
      await t.http().get('/api/members').expect(401);
    });
  });
});
