import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { GENERATION_QUEUE } from 'src/queue/queue.constants';
import { SchedulerService } from 'src/modules/scheduler/scheduler.service';
import { newMember, newOrg, scheduleBody, TestMember } from 'test/factories';
import { settledDeliveries } from 'test/utils/deliveries';
import { FakeClock, utcDateFromToday } from 'test/utils/fake-clock';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { SmtpInbox, startSmtpInbox } from 'test/utils/smtp-inbox';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(60_000);

/**
 * Edits that race the scheduler: a change made after a slot is due but before a scheduler
 * claimed it keeps that slot, and a change made after the claim does not reach the run, which
 * uses the settings copied when its slot was claimed.
 */
describe('editing a schedule around its due slot', () => {
  const day = utcDateFromToday(7);
  const clock = new FakeClock(new Date(`${day}T08:59:00Z`));
  let t: TestApp;
  let inbox: SmtpInbox;
  let editor: TestMember;
  let scheduler: SchedulerService;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp({ role: 'all', clock, env: { SMTP_URL: inbox.url } });
    useManualTicks(t.app);
    scheduler = t.app.get(SchedulerService);
    editor = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
  });
  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  const executionsOf = (scheduleId: string) =>
    t.db.query(
      `SELECT id, status, scheduled_for, slot_local, config_snapshot, file_key
         FROM report_executions WHERE scheduled_report_id = $1 ORDER BY scheduled_for`,
      [scheduleId],
    );

  it('keeps a due slot edited before its claim, and runs it with the settings at claim', async () => {
    clock.set(`${day}T08:59:00Z`);
    const as = clientFor(t, editor);
    const created = await as
      .post(
        '/api/scheduled-reports',
        scheduleBody({ schedule_config: { cadence: 'daily', time: '09:00', timezone: 'UTC' } }),
      )
      .expect(201);
    const id = created.body.id as string;

    clock.set(`${day}T09:00:20Z`); // due; no scheduler has claimed it yet
    const edited = await as
      .patch(`/api/scheduled-reports/${id}`, {
        name: 'Renamed before the claim',
        schedule_config: { cadence: 'daily', time: '10:00', timezone: 'UTC' },
      })
      .expect(200);
    expect(edited.body.next_run_at).toBe(`${day}T09:00:00.000Z`);
    const [audit] = await t.db.query(
      `SELECT details FROM audit_logs WHERE resource_id = $1 AND action = 'schedule.updated'`,
      [id],
    );
    expect(audit.details.due_slot_kept).toBe(`${day}T09:00:00.000Z`);

    // This process's generation worker waits until the edit below is saved.
    const generation = t.app.get<Queue>(getQueueToken(GENERATION_QUEUE));
    await generation.pause(true);
    await scheduler.tick();
    const [run] = await executionsOf(id);
    expect(run.scheduled_for).toEqual(new Date(`${day}T09:00:00Z`));
    expect(run.slot_local).toBe(`${day}T09:00`);
    expect(run.config_snapshot).toMatchObject({
      name: 'Renamed before the claim',
      output_format: 'csv',
    });
    const [schedule] = await t.db.query(`SELECT next_run_at FROM scheduled_reports WHERE id = $1`, [
      id,
    ]);
    expect(schedule.next_run_at).toEqual(new Date(`${day}T10:00:00Z`));

    // Changed after the claim: the next run's business, not this one's.
    await as
      .patch(`/api/scheduled-reports/${id}`, {
        output_format: 'xlsx',
        name: 'Renamed after the claim',
        recipients: [{ type: 'email', value: 'added-after-claim@acme.example' }],
      })
      .expect(200);
    expect((await executionsOf(id))[0].status).toBe('pending');
    await generation.resume(true);
    const [done] = await waitFor('the claimed run to finish', async () => {
      const rows = await executionsOf(id);
      return rows[0]?.status === 'completed' && rows;
    });
    expect(done.file_key).toMatch(/\.csv$/);
    // Delivered as claimed too: to the recipients of the claim, under the name of the claim.
    const deliveries = await settledDeliveries(t, done.id);
    expect(deliveries.map((d) => [d.recipient_value, d.status])).toEqual([
      ['finance@acme.example', 'sent'],
    ]);
    const [mail] = await inbox.waitForMessagesTo('finance@acme.example', 1);
    expect(mail.parsed.subject).toContain('Renamed before the claim');
  });
});
