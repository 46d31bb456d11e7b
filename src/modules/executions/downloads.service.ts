import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Actor } from 'src/common/auth/actor';
import { Clock } from 'src/common/clock';
import { KeyRing } from 'src/common/crypto/key-ring';
import { DomainError, NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { AppConfigService } from 'src/config/app-config.service';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import { SchedulesService } from 'src/modules/schedules/schedules.service';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { LinksRevokedDto } from './dto/links-revoked.dto';
import { ReportExecution } from './entities/report-execution.entity';
import { contentTypeOf, downloadFileName } from './execution-file-name';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { DownloadLinkSigner } from './links/download-link.signer';

export interface FileDownload {
  stream: Readable;
  size: number;
  name: string;
  contentType: string;
}

/** Serves report files: to members (with the report's permission) and through signed links. */
@Injectable()
export class DownloadsService {
  private readonly signer: DownloadLinkSigner;

  constructor(
    private readonly executionsService: ExecutionsService,
    private readonly executions: ExecutionsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly schedulesService: SchedulesService,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionScope,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {
    this.signer = new DownloadLinkSigner(new KeyRing(config.values.appKeys), () =>
      clock.now().getTime(),
    );
  }

  async openForActor(actor: Actor, id: string): Promise<FileDownload> {
    const { execution, scheduleName, timezone } = await this.executionsService.loadDownloadable(
      actor,
      id,
    );
    const file = await this.open(execution, scheduleName, timezone);
    await this.audit.record(actor, {
      action: 'file.downloaded',
      resourceType: 'report_execution',
      resourceId: id,
      details: { via: 'api', size: file.size },
    });
    return file;
  }

  /** A link anyone holding it may use until the organization's `link_ttl_hours` pass. */
  async createLink(actor: Actor, id: string): Promise<{ url: string; expires_at: string }> {
    await this.executionsService.loadDownloadable(actor, id);
    const org = await this.organizations.getOrganization(actor.orgId);
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + org.link_ttl_hours * 3600;
    const token = this.signer.sign({ executionId: id, orgId: actor.orgId, expiresAt });
    await this.audit.record(actor, {
      action: 'download_link.created',
      resourceType: 'report_execution',
      resourceId: id,
      details: { expires_at: new Date(expiresAt * 1000).toISOString() },
    });
    return {
      url: `${this.config.values.publicBaseUrl}/api/files/${token}`,
      expires_at: new Date(expiresAt * 1000).toISOString(),
    };
  }

  /**
   * Revokes every signed link of the execution issued up to now (emails, Slack, the API): they
   * answer 410 from then on; links made later work. Who may change the schedule may do this.
   */
  async revokeLinks(actor: Actor, id: string): Promise<LinksRevokedDto> {
    const execution = await this.executionsService.load(actor, id);
    const schedule = await this.schedules.findOne(actor.orgId, execution.scheduled_report_id, {
      withDeleted: true,
    });
    // Only admins see a deleted schedule's runs (load), and its links answer 410 already.
    if (schedule && !schedule.deleted_at) {
      await this.schedulesService.loadForChange(actor, schedule.id);
    }
    const revokedAt = await this.transactions.run(async () => {
      const at = await this.executions.revokeLinks(actor.orgId, id, this.clock.now());
      if (!at) throw executionNotFound(id);
      await this.audit.record(actor, {
        action: 'download_links.revoked',
        resourceType: 'report_execution',
        resourceId: id,
        details: { links_revoked_at: at.toISOString() },
      });
      return at;
    });
    return { execution_id: id, links_revoked_at: revokedAt.toISOString() };
  }

  /**
   * Tampered, unknown key or unknown execution → 404; expired or revoked link, deleted schedule
   * or file → 410; never the file.
   */
  async openByToken(token: string): Promise<FileDownload> {
    const grant = this.signer.verify(token);
    if (!grant) throw linkNotFound();
    if (grant.expiresAt * 1000 <= this.clock.now().getTime()) {
      throw new DomainError(ErrorCode.GONE, 'this download link has expired; ask for a new one');
    }
    const execution = await this.executions.findOne(grant.orgId, grant.executionId);
    if (!execution || execution.status !== 'completed' || !execution.file_key) throw linkNotFound();
    // A link without an issue time predates revocation support, so any revocation covers it.
    const revokedAt = execution.links_revoked_at?.getTime();
    if (revokedAt !== undefined && (grant.issuedAt ?? -Infinity) <= revokedAt) {
      throw new DomainError(ErrorCode.GONE, 'this download link was revoked; ask for a new one');
    }
    if (execution.file_expired_at) {
      throw new DomainError(ErrorCode.GONE, 'the file was deleted by the retention policy');
    }
    const schedule = await this.schedules.findOne(grant.orgId, execution.scheduled_report_id, {
      withDeleted: true,
    });
    // Deleting a schedule withdraws what it shared: links in sent messages stop with it.
    if (!schedule || schedule.deleted_at) {
      throw new DomainError(ErrorCode.GONE, 'the scheduled report of this file was deleted');
    }
    const file = await this.open(execution, schedule.name, schedule.schedule_config.timezone);
    await this.audit.record(
      { userId: 'download-link', orgId: grant.orgId, roles: [], permissions: [] },
      {
        action: 'file.downloaded',
        resourceType: 'report_execution',
        resourceId: execution.id,
        details: { via: 'signed_link', size: file.size },
      },
    );
    return file;
  }

  private async open(
    execution: ReportExecution,
    scheduleName: string,
    timezone: string,
  ): Promise<FileDownload> {
    const key = execution.file_key as string;
    const { stream, size } = await this.storage.get(key);
    return {
      stream,
      size,
      name: downloadFileName(scheduleName, execution.scheduled_for, timezone, key),
      contentType: contentTypeOf(key),
    };
  }
}

function executionNotFound(id: string): NotFoundError {
  return new NotFoundError(ErrorCode.EXECUTION_NOT_FOUND, `report execution ${id} not found`);
}

function linkNotFound(): NotFoundError {
  return new NotFoundError(ErrorCode.NOT_FOUND, 'this download link is not valid');
}
