import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from 'src/database/data-source-options';
import { DeliveriesRepository } from 'src/modules/delivery/deliveries.repository';
import { NoticesRepository } from 'src/modules/delivery/notices/notices.repository';
import { completedExecution, newOrg } from 'test/factories';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

const LEASE_MS = 60_000;

/** The lease SQL of deliveries and notices, against the real schema. */
describe('delivery and notice leases (SQL)', () => {
  let db: DataSource;
  let deliveries: DeliveriesRepository;
  let notices: NoticesRepository;
  let orgId: string;
  let executionId: string;
  let scheduleId: string;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
    deliveries = new DeliveriesRepository(db);
    notices = new NoticesRepository(db);
    orgId = (await newOrg(db)).id;
    [{ id: scheduleId }] = await db.query(
      `INSERT INTO scheduled_reports (organization_id, created_by, name, report_type, schedule_config, output_format)
       VALUES ($1, 'owner', 'leases', 'invoice_summary', '{"cadence":"daily","time":"09:00","timezone":"UTC"}', 'csv')
       RETURNING id`,
      [orgId],
    );
    executionId = (await completedExecution(db, orgId, scheduleId)).id;
  });
  afterAll(() => db.destroy());

  const newDelivery = async () => {
    const [id] = await deliveries.createForExecution(orgId, executionId, [
      { type: 'email', value: `${randomUUID()}@acme.example` },
    ]);
    return id;
  };
  const lapse = (table: string, id: string) =>
    db.query(`UPDATE ${table} SET leased_until = now() - interval '1 second' WHERE id = $1`, [id]);

  it('keeps an unknown delivery from any claim until its lease lapses, then sends it from unknown', async () => {
    const id = await newDelivery();
    const first = randomUUID();
    expect(await deliveries.claim(orgId, id, first, LEASE_MS)).not.toBeNull();
    await deliveries.markUnknown(orgId, id, first, 'outcome unknown: Timeout');
    await deliveries.endLeaseLater(orgId, id, first, LEASE_MS);

    expect(await deliveries.claim(orgId, id, randomUUID(), LEASE_MS)).toBeNull();
    expect(
      await deliveries.findStalePending(new Date(Date.now() + 60_000), 10_000),
    ).not.toContainEqual(expect.objectContaining({ id }));
    await lapse('report_deliveries', id);
    expect(await deliveries.findStalePending(new Date(Date.now() + 60_000), 10_000)).toContainEqual(
      expect.objectContaining({ id }),
    );

    const second = randomUUID();
    const claimed = await deliveries.claim(orgId, id, second, LEASE_MS);
    expect(claimed).toMatchObject({ status: 'unknown', attempts: 2, metadata: {} });
    expect(await deliveries.markSent(orgId, id, second, { message_id: 'm' })).toBe(true);
    expect(await deliveries.findOne(orgId, id)).toMatchObject({
      status: 'sent',
      lease_id: null,
      error_message: null,
    });
  });

  it('counts an attempt that never ended when the next one claims, and a resend starts the count again', async () => {
    const id = await newDelivery();
    for (let n = 1; n <= 2; n += 1) {
      expect(await deliveries.claim(orgId, id, randomUUID(), LEASE_MS)).not.toBeNull();
      await lapse('report_deliveries', id); // the worker died holding it
    }
    const third = randomUUID();
    const claimed = await deliveries.claim(orgId, id, third, LEASE_MS);
    expect(claimed?.metadata).toEqual({ lost_attempts: 2 });

    await deliveries.markFinal(orgId, id, third, 'failed', 'gave up');
    await deliveries.reopenFailed(orgId, executionId, id);
    const reopened = await deliveries.claim(orgId, id, randomUUID(), LEASE_MS);
    expect(reopened?.metadata).not.toHaveProperty('lost_attempts');
  });

  it('claims a notice under a lease that only its holder ends', async () => {
    const id = await notices.create({
      orgId,
      kind: 'delivery_failed',
      subjectId: executionId,
      scheduleId,
    });
    const first = randomUUID();
    expect(await notices.claim(orgId, id!, first, LEASE_MS)).toMatchObject({ attempts: 1 });
    expect(await notices.claim(orgId, id!, randomUUID(), LEASE_MS)).toBeNull();
    expect(await notices.isPending(orgId, id!)).toBe(true);

    await notices.noteRetry(orgId, id!, first, 'will retry: Timeout', LEASE_MS);
    expect(await notices.claim(orgId, id!, randomUUID(), LEASE_MS)).toBeNull();
    await lapse('notices', id!);
    const second = randomUUID();
    // That attempt ended (a retry), so it is not counted as lost.
    expect(await notices.claim(orgId, id!, second, LEASE_MS)).toMatchObject({
      attempts: 2,
      lost_attempts: 0,
    });

    expect(await notices.finish(orgId, id!, first, 'sent', null)).toBe(false);
    expect(await notices.finish(orgId, id!, second, 'sent', null)).toBe(true);
    expect(await notices.isPending(orgId, id!)).toBe(false);
  });

  it('counts a notice attempt that never ended when the next one claims', async () => {
    const id = await notices.create({
      orgId,
      kind: 'execution_failed',
      subjectId: executionId,
      scheduleId,
    });
    for (let n = 1; n <= 2; n += 1) {
      expect(await notices.claim(orgId, id!, randomUUID(), LEASE_MS)).not.toBeNull();
      await lapse('notices', id!); // the worker died holding it
    }
    expect(await notices.claim(orgId, id!, randomUUID(), LEASE_MS)).toMatchObject({
      attempts: 3,
      lost_attempts: 2,
    });
  });
});
