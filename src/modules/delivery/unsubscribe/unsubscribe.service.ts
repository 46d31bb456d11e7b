import { Injectable } from '@nestjs/common';
import { systemActor } from 'src/common/auth/actor';
import { KeyRing } from 'src/common/crypto/key-ring';
import { NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { AppConfigService } from 'src/config/app-config.service';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { UnsubscribeGrant, UnsubscribeTokenSigner } from './unsubscribe-token.signer';
import { UnsubscribesRepository } from './unsubscribes.repository';

export interface UnsubscribeTarget {
  scheduleName: string;
  recipient: string;
}

/** Signed per-recipient, per-schedule opt-outs (RFC 8058 one-click). */
@Injectable()
export class UnsubscribeService {
  private readonly signer: UnsubscribeTokenSigner;

  constructor(
    private readonly unsubscribes: UnsubscribesRepository,
    private readonly schedules: SchedulesRepository,
    private readonly audit: AuditService,
    private readonly transactions: TransactionScope,
    private readonly config: AppConfigService,
  ) {
    this.signer = new UnsubscribeTokenSigner(new KeyRing(config.values.appKeys));
  }

  urlFor(grant: UnsubscribeGrant): string {
    return `${this.config.values.publicBaseUrl}/api/unsubscribe/${this.signer.sign(grant)}`;
  }

  isUnsubscribed(grant: UnsubscribeGrant): Promise<boolean> {
    return this.unsubscribes.isUnsubscribed(grant);
  }

  /** What the confirmation page names; changes nothing (mail scanners prefetch links). */
  async describe(token: string): Promise<UnsubscribeTarget> {
    const { grant, scheduleName } = await this.resolve(token);
    return { scheduleName, recipient: grant.recipientValue };
  }

  /** Opts the recipient out; repeating it is harmless. */
  async unsubscribe(token: string): Promise<UnsubscribeTarget> {
    const { grant, scheduleName } = await this.resolve(token);
    await this.transactions.run(async () => {
      if (!(await this.unsubscribes.add(grant))) return;
      await this.audit.record(
        { ...systemActor(grant.orgId), userId: 'unsubscribe-link' },
        {
          action: 'recipient.unsubscribed',
          resourceType: 'scheduled_report',
          resourceId: grant.scheduleId,
          details: { recipient_type: grant.recipientType, recipient_value: grant.recipientValue },
        },
      );
    });
    return { scheduleName, recipient: grant.recipientValue };
  }

  private async resolve(token: string) {
    const grant = this.signer.verify(token);
    const schedule =
      grant && (await this.schedules.findOne(grant.orgId, grant.scheduleId, { withDeleted: true }));
    if (!grant || !schedule) {
      throw new NotFoundError(ErrorCode.NOT_FOUND, 'this unsubscribe link is not valid');
    }
    return { grant, scheduleName: schedule.name };
  }
}
