import { randomUUID } from 'node:crypto';
import { ORG } from 'test/fakes/delivery.fakes';
import {
  FIRST,
  setupDeliveryService,
  useDeliveryTestTimers,
} from 'test/fakes/report-delivery.harness';

// What is decided before a channel is called: unsubscribes, departed members, access lost since
// the run, and the organization's daily email budget.
describe('ReportDeliveryService before sending', () => {
  useDeliveryTestTimers();

  describe('skipped before sending', () => {
    it('skips a recipient who unsubscribed from the schedule', async () => {
      const { service, deliveries, unsubscribes, notices, pendingDelivery, sends } =
        setupDeliveryService();
      const { delivery, schedule, job } = pendingDelivery();
      unsubscribes.unsubscribe({
        orgId: ORG,
        scheduleId: schedule.id,
        recipientType: 'email',
        recipientValue: 'eve@example.com',
      });

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'unsubscribed',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: 'the recipient unsubscribed from this schedule',
        metadata: { reason: 'unsubscribed' },
        lease_id: null,
      });
      expect(sends()).toHaveLength(0);
      expect(notices.deliveryFailures).toHaveLength(0);
    });

    it('still sends to a recipient who unsubscribed from another schedule only', async () => {
      const { service, unsubscribes, pendingDelivery } = setupDeliveryService();
      const { job } = pendingDelivery();
      unsubscribes.unsubscribe({
        orgId: ORG,
        scheduleId: randomUUID(),
        recipientType: 'email',
        recipientValue: 'eve@example.com',
      });

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });
    });

    it.each([
      ['soft-deleted', true],
      ['gone', false],
    ])('skips the delivery of a schedule that is %s', async (_label, softDeleted) => {
      const { service, deliveries, schedules, pendingDelivery, sends } = setupDeliveryService();
      const { delivery, schedule, job } = pendingDelivery({}, {}, { deleted_at: new Date() });
      if (!softDeleted) schedules.rows.delete(schedule.id);

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'schedule_deleted',
      });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: 'the schedule was deleted before delivery',
        metadata: { reason: 'schedule_deleted' },
      });
      expect(sends()).toHaveLength(0);
    });

    it.each([
      ['removed from the organization', null, 'member_removed', 'the member left the organization'],
      ['deactivated', { is_active: false }, 'member_inactive', 'the member is deactivated'],
      [
        'without an email address',
        { email: null },
        'member_no_email',
        'the member has no email address',
      ],
    ])('skips a user_id member %s', async (_label, member, reason, message) => {
      const { service, deliveries, members, notices, pendingDelivery, sends } =
        setupDeliveryService();
      if (member) members.add({ user_id: 'u-mia', ...member });
      const { delivery, job } = pendingDelivery({
        recipient_type: 'user_id',
        recipient_value: 'u-mia',
      });

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'skipped', reason });
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message: message,
        metadata: { reason },
      });
      expect(sends()).toHaveLength(0);
      expect(notices.deliveryFailures).toHaveLength(0);
    });
  });

  describe('access checked again at delivery', () => {
    it('skips every delivery once the creator lost the right to the report, and says so once per run', async () => {
      const { service, deliveries, access, notices, pendingDelivery, sends } =
        setupDeliveryService();
      const { delivery, execution, job } = pendingDelivery();
      access.creator = 'its creator u-owner no longer holds the billing:read permission';

      expect(await service.deliver(job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'access_revoked',
      });
      expect(sends()).toHaveLength(0);
      expect(deliveries.get(delivery.id)).toMatchObject({
        status: 'skipped',
        error_message:
          'not delivered: its creator u-owner no longer holds the billing:read permission',
        metadata: expect.objectContaining({ reason: 'access_revoked' }),
      });
      expect(notices.accessRevocations).toEqual([
        { orgId: ORG, executionId: execution.id, reason: access.creator },
      ]);
    });

    it('skips a recipient the organization no longer allows, and sends to the others', async () => {
      const { service, deliveries, access, notices, pendingDelivery, sends } =
        setupDeliveryService();
      const allowed = pendingDelivery();
      const removed = pendingDelivery({ recipient_value: 'ann@partner.example' });
      access.recipients.set('ann@partner.example', 'is not in an allowed email domain');

      expect(await service.deliver(removed.job, FIRST)).toEqual({
        result: 'skipped',
        reason: 'access_revoked',
      });
      expect(await service.deliver(allowed.job, FIRST)).toEqual({ result: 'sent' });
      expect(sends()).toHaveLength(1);
      expect(deliveries.get(removed.delivery.id).error_message).toBe(
        "not delivered: recipient email 'ann@partner.example' is not in an allowed email domain",
      );
      expect(notices.accessRevocations).toHaveLength(1);
    });
  });

  describe('the daily email budget', () => {
    it('fails an email past the budget for good, without sending, and tells the creator', async () => {
      const { service, deliveries, emailBudget, notices, pendingDelivery, sends } =
        setupDeliveryService();
      const first = pendingDelivery();
      const second = pendingDelivery({ recipient_value: 'bo@example.com' });
      emailBudget.left = 1;

      expect(await service.deliver(first.job, FIRST)).toEqual({ result: 'sent' });
      const outcome = await service.deliver(second.job, FIRST);

      expect(outcome).toMatchObject({ result: 'failed' });
      expect(deliveries.get(second.delivery.id).error_message).toContain(
        'daily budget of 10000 report emails is used up',
      );
      expect(sends()).toHaveLength(1);
      expect(notices.deliveryFailures).toEqual([{ orgId: ORG, executionId: second.execution.id }]);
    });

    it('spends nothing on channels that are not email', async () => {
      const { service, emailBudget, pendingDelivery } = setupDeliveryService();
      const { job } = pendingDelivery({
        recipient_type: 'webhook',
        recipient_value: 'https://h.example/x',
      });
      emailBudget.left = 0;

      expect(await service.deliver(job, FIRST)).toEqual({ result: 'sent' });
      expect(emailBudget.spent.size).toBe(0);
    });
  });
});
