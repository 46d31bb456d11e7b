import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { AuditService } from 'src/modules/audit/audit.service';
import { MemberDataDto } from './dto/member-data.dto';
import { MemberDataRepository } from './member-data.repository';

/** Data-subject access: an admin exports everything held about a member; audited. */
@Injectable()
export class MemberDataService {
  constructor(
    private readonly data: MemberDataRepository,
    private readonly audit: AuditService,
  ) {}

  async export(actor: Actor, memberId: string): Promise<MemberDataDto> {
    const data = await this.data.collect(actor.orgId, memberId);
    if (!data) throw new NotFoundError(ErrorCode.NOT_FOUND, `member ${memberId} not found`);
    await this.audit.record(actor, {
      action: 'member.data_exported',
      resourceType: 'member',
      resourceId: memberId,
    });
    return data;
  }
}
