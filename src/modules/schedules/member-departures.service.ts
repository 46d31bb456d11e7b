import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { systemActor } from 'src/common/auth/actor';
import { AuditService } from 'src/modules/audit/audit.service';
import type { MemberDeactivated } from 'src/modules/organizations/member.events';
import { DomainEvent, DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import { ScheduleRecipientsRepository } from './schedule-recipients.repository';
import { SchedulesService } from './schedules.service';

/**
 * When an admin deactivates a member (`member.deactivated`): nothing more goes to them, and
 * nothing more runs as them. They are taken off every recipient list, and the schedules they
 * created are paused (their runs would be refused anyway; pausing says so at once, and an
 * admin decides what becomes of them). Idempotent: handling the event twice changes nothing.
 */
@Injectable()
export class MemberDeparturesService implements OnModuleInit {
  private readonly logger = new Logger(MemberDeparturesService.name);

  constructor(
    private readonly recipients: ScheduleRecipientsRepository,
    private readonly schedules: SchedulesService,
    private readonly audit: AuditService,
    private readonly bus: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe<MemberDeactivated>('member.deactivated', {
      name: 'schedules: member departures',
      handle: (event) => this.memberDeactivated(event),
    });
  }

  async memberDeactivated({ orgId, payload }: DomainEvent<MemberDeactivated>): Promise<void> {
    const actor = { ...systemActor(orgId), userId: 'system:member-deactivated' };
    const changed = await this.recipients.removeMember(
      orgId,
      payload.user_id,
      payload.email,
      (manager, id) =>
        this.audit.recordIn(manager, actor, {
          action: 'schedule.recipient_removed',
          resourceType: 'scheduled_report',
          resourceId: id,
          details: { member_id: payload.member_id },
        }),
    );
    for (const id of await this.recipients.activeCreatedBy(orgId, payload.user_id)) {
      await this.schedules.pause(actor, id, 'its creator was deactivated');
    }
    this.logger.log(
      `member ${payload.member_id} deactivated: off ${changed.length} recipient list(s), their schedules paused`,
    );
  }
}
