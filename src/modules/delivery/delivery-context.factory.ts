import type { SummaryTotals } from 'src/modules/generators/pdf/period-totals';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import { KeyRing } from 'src/common/crypto/key-ring';
import { AppConfigService } from 'src/config/app-config.service';
import { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import { contentTypeOf, downloadFileName } from 'src/modules/executions/execution-file-name';
import { DownloadLinkSigner } from 'src/modules/executions/links/download-link.signer';
import { toReportExecutionDto } from 'src/modules/executions/report-execution.mapper';
import { runConfigOf } from 'src/modules/executions/run-config';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import { OrganizationSecretsService } from 'src/modules/organizations/organization-secrets.service';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { DeliveryChannel, DeliveryContext } from './delivery-channel';
import { DeliveriesRepository } from './deliveries.repository';
import { ReportDelivery } from './entities/report-delivery.entity';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

export interface ContextParts {
  delivery: ReportDelivery;
  leaseId: string;
  attempt: number;
  organization: Organization;
  schedule: ScheduledReport;
  execution: ReportExecution;
  /** For email and user_id: the address to mail (a member's current one). */
  email?: string;
  memberName?: string;
}

/** Builds what a channel needs from the rows; the channel never reads the database itself. */
@Injectable()
export class DeliveryContextFactory {
  private readonly links: DownloadLinkSigner;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly secrets: OrganizationSecretsService,
    private readonly unsubscribes: UnsubscribeService,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {
    this.links = new DownloadLinkSigner(new KeyRing(config.values.appKeys), () =>
      clock.now().getTime(),
    );
  }

  build(parts: ContextParts, channel: Pick<DeliveryChannel, 'offersUnsubscribe'>): DeliveryContext {
    const { delivery, organization: org, schedule, execution } = parts;
    const now = this.clock.now();
    const expiresAt = Math.floor(now.getTime() / 1000) + org.link_ttl_hours * 3600;
    const token = this.links.sign({ executionId: execution.id, orgId: org.id, expiresAt });
    const base = this.config.values.publicBaseUrl;
    const fileKey = execution.file_key as string;
    // The message describes the run as claimed (its name, zone, format), not a later edit.
    const run = runConfigOf(execution, schedule);
    const timezone = run.timezone;
    const type = delivery.recipient_type;
    const metadata = execution.metadata as Record<string, unknown>;
    return {
      deliveryId: delivery.id,
      attempt: parts.attempt,
      recipient: {
        type,
        value: delivery.recipient_value,
        email: parts.email,
        name: parts.memberName,
        timezone,
      },
      organization: {
        id: org.id,
        name: org.name,
        brandName: org.brand_name?.trim() || org.name,
        attachmentLimitBytes: org.attachment_limit_bytes,
        slackBotToken: this.secrets.slackBotToken(org),
        webhookSecrets: this.secrets.webhookSecrets(org, now),
      },
      schedule: {
        id: schedule.id,
        name: run.name,
        reportType: run.report_type,
        outputFormat: run.output_format,
        timezone,
        createdBy: schedule.created_by,
      },
      execution: {
        id: execution.id,
        trigger: execution.trigger as 'schedule' | 'manual',
        scheduledFor: execution.scheduled_for,
        completedAt: execution.completed_at as Date,
        dataAsOf: new Date(String(metadata.data_as_of ?? execution.completed_at?.toISOString())),
        rowsGenerated: Number(metadata.rows_generated ?? 0),
        fileSize: Number(execution.file_size ?? 0),
        fileName: downloadFileName(run.name, execution.scheduled_for, timezone, fileKey),
        contentType: contentTypeOf(fileKey),
        period: periodOf(metadata),
        summaryTotals: summaryTotalsOf(metadata),
        resource: { ...toReportExecutionDto(execution) },
      },
      downloadUrl: `${base}/api/files/${token}`,
      linkExpiresAt: new Date(expiresAt * 1000),
      unsubscribeUrl: channel.offersUnsubscribe
        ? this.unsubscribes.urlFor({
            orgId: org.id,
            scheduleId: schedule.id,
            recipientType: type,
            recipientValue: delivery.recipient_value,
          })
        : null,
      historyUrl: `${base}/api/scheduled-reports/${schedule.id}/executions`,
      openFile: async () => (await this.storage.get(fileKey)).stream,
      memory: { ...delivery.metadata },
      remember: (facts) => this.deliveries.remember(org.id, delivery.id, parts.leaseId, facts),
    };
  }
}

/** The date range the run covered, as recorded at generation (`filters_applied.date_range`). */
function periodOf(metadata: Record<string, unknown>): { from: string; to: string } | null {
  const filters = metadata.filters_applied as { date_range?: { from?: unknown; to?: unknown } };
  const range = filters?.date_range;
  if (typeof range?.from !== 'string' || typeof range?.to !== 'string') return null;
  return { from: range.from, to: range.to };
}

/** The totals a PDF run stored, when they have the shape this build writes (else none). */
function summaryTotalsOf(metadata: Record<string, unknown>): SummaryTotals | null {
  const stored = metadata.summary_totals as Partial<SummaryTotals> | undefined;
  if (!stored || typeof stored !== 'object' || !Array.isArray(stored.totals)) return null;
  return stored as SummaryTotals;
}
