import { Injectable, Logger } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { ConflictError, NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { AuditRepository } from 'src/modules/audit/audit.repository';
import { AuditService } from 'src/modules/audit/audit.service';
import { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import { OrganizationsRepository } from './organizations.repository';

/**
 * Members leaving: an admin deactivates one (tokens issued before it answer 401), and the
 * `member.deactivated` event takes them off recipient lists and pauses the schedules they
 * created (the schedules module subscribes). `erase` also drops their name and address and
 * anonymises their audit entries (the events stay).
 */
@Injectable()
export class MemberLifecycleService {
  private readonly logger = new Logger(MemberLifecycleService.name);

  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly auditLog: AuditRepository,
    private readonly bus: DomainEventBus,
  ) {}

  /** Idempotent: deactivating a deactivated member changes nothing (erasing still erases). */
  async deactivate(actor: Actor, memberId: string, erase: boolean): Promise<void> {
    const done = await this.organizations.deactivateMember(actor.orgId, memberId, erase, {
      check: (member) => {
        if (member.user_id === actor.userId) {
          throw new ConflictError('admins cannot deactivate themselves; ask another admin');
        }
      },
      record: (manager, member) =>
        this.audit.recordIn(manager, actor, {
          action: 'member.deactivated',
          resourceType: 'member',
          resourceId: memberId,
          details: { user_id: member.user_id },
        }),
    });
    if (!done) throw new NotFoundError(ErrorCode.NOT_FOUND, `member ${memberId} not found`);
    if (done.event) {
      // After commit; if this process dies first, the outbox relay dispatches it.
      await this.bus
        .dispatch([done.event])
        .catch((error: Error) => this.logger.warn(`left to the outbox relay: ${error.message}`));
    }
    if (erase) {
      // Their entries keep the events, under a pseudonym that only names the member row.
      const entries = await this.auditLog.anonymizeActor(
        actor.orgId,
        done.userId,
        `erased-member:${memberId}`,
      );
      await this.audit.record(actor, {
        action: 'member.erased',
        resourceType: 'member',
        resourceId: memberId,
        details: { audit_entries_anonymized: entries },
      });
    }
  }
}
