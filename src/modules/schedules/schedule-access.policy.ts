import { Injectable } from '@nestjs/common';
import { hasRole } from 'src/common/auth/actor';
import type { Role } from 'src/domain/vocabulary';
import { AppConfigService } from 'src/config/app-config.service';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { MembersRepository } from 'src/modules/organizations/members.repository';
import type { Recipient, ScheduledReport } from './entities/scheduled-report.entity';
import { RECIPIENT_RULES } from './recipients/recipient-rules';

/**
 * Whether a schedule may still run and reach its recipients now, not only when it was saved:
 * its creator must still be an active member holding the report type's permission (and role,
 * when the type requires one), and each
 * recipient must still pass the organization's rules (the same rules as at save time). Workers
 * ask it before generating and again before each delivery. A member recipient needs no data
 * permission of its own: the creator's permission is what authorizes the report, and the same
 * member could be addressed by email anyway.
 */
@Injectable()
export class ScheduleAccessPolicy {
  constructor(
    private readonly members: MembersRepository,
    private readonly reportTypes: ReportTypeRegistry,
    private readonly config: AppConfigService,
  ) {}

  /** Why the schedule's creator may no longer run it, or null. */
  async creatorProblem(schedule: ScheduledReport): Promise<string | null> {
    const creator = await this.members.findByUserId(schedule.organization_id, schedule.created_by);
    if (!creator) return `its creator ${schedule.created_by} is no longer a member`;
    if (!creator.is_active) return `its creator ${schedule.created_by} was deactivated`;
    const type = this.reportTypes.find(schedule.report_type);
    // A retired type fails generation by itself, with its own message.
    if (type && !creator.permissions.includes(type.requiredPermission)) {
      return `its creator ${schedule.created_by} no longer holds the ${type.requiredPermission} permission`;
    }
    if (type?.requiredRole && !hasRole({ roles: creator.roles as Role[] }, type.requiredRole)) {
      return `its creator ${schedule.created_by} no longer has the ${type.requiredRole} role`;
    }
    return null;
  }

  /** Why the recipient may no longer receive the organization's reports, or null. */
  async recipientProblem(org: Organization, recipient: Recipient): Promise<string | null> {
    const [problem] = await RECIPIENT_RULES[recipient.type].problems([recipient.value], {
      org,
      members: this.members,
      outboundAllowHosts: this.config.values.outboundAllowHosts,
    });
    return problem ? `recipient ${recipient.type} '${recipient.value}' ${problem}` : null;
  }
}
