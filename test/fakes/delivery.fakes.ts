import { randomUUID } from 'node:crypto';
import type { AppConfigService } from 'src/config/app-config.service';
import type { DeliveryStatus, DomainEventType, RecipientType } from 'src/domain/vocabulary';
import type {
  DeliveryChannel,
  DeliveryContext,
  DeliverySent,
} from 'src/modules/delivery/delivery-channel';
import type { ContextParts } from 'src/modules/delivery/delivery-context.factory';
import type { FinalStatus, PlannedDelivery } from 'src/modules/delivery/deliveries.repository';
import type { Notice } from 'src/modules/delivery/entities/notice.entity';
import type { ReportDelivery } from 'src/modules/delivery/entities/report-delivery.entity';
import type { NoticeMail } from 'src/modules/delivery/mail/notice-mailer';
import type { NewNotice } from 'src/modules/delivery/notices/notices.repository';
import type { UnsubscribeGrant } from 'src/modules/delivery/unsubscribe/unsubscribe-token.signer';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { Member } from 'src/modules/organizations/entities/member.entity';
import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import type { DomainEvent, DomainEventSubscriber } from 'src/modules/outbox/domain-event-bus';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import { newDeliveryContext } from 'test/factories/delivery-context';
import { FakeExecutionStore, FakeSchedules as ScheduleRows, ORG } from 'test/fakes/execution.fakes';
import type { FakeClock } from 'test/utils/fake-clock';

export { ORG };

/** A test can make the next call of a fake's method fail, as a dropped connection would. */
class Breakable {
  private readonly broken = new Map<string, Error>();

  /** The next call of `method` rejects with `error` (once). */
  breakOnce(method: string, error: Error = new Error('connection terminated')): void {
    this.broken.set(method, error);
  }

  protected check(method: string): void {
    const error = this.broken.get(method);
    if (!error) return;
    this.broken.delete(method);
    throw error;
  }
}

/** `report_executions` as delivery reads them: by default a completed run with its file stored. */
export class FakeExecutions extends FakeExecutionStore {
  override add(overrides: Partial<ReportExecution> = {}): ReportExecution {
    const id = overrides.id ?? randomUUID();
    return super.add({
      id,
      status: 'completed',
      started_at: new Date('2026-12-07T14:00:00Z'),
      completed_at: new Date('2026-12-07T14:00:05Z'),
      file_key: `org/${ORG}/executions/${id}.csv`,
      file_size: 120,
      file_checksum: 'f'.repeat(64),
      execution_time_ms: 5000,
      metadata: { rows_generated: 3, content_sha256: 'c'.repeat(64) },
      ...overrides,
    });
  }

  async findOne(orgId: string, id: string): Promise<ReportExecution | null> {
    const row = this.rows.get(id);
    return row && row.organization_id === orgId ? { ...row } : null;
  }
}

/** Schedules by id; a soft-deleted one is found only `withDeleted`, as TypeORM does. */
export class FakeSchedules extends ScheduleRows {
  override async findOne(
    orgId: string,
    id: string,
    options: { withDeleted?: boolean } = {},
  ): Promise<ScheduledReport | null> {
    const row = await super.findOne(orgId, id);
    if (!row || (row.deleted_at && !options.withDeleted)) return null;
    return { ...row };
  }
}

/**
 * `report_deliveries` in memory, with the semantics of DeliveriesRepository's SQL: `now()` is the
 * fake clock's; a claim takes a pending row whose lease is absent or over; renewals, outcomes and
 * releases apply only for the current lease holder on a pending row; a release clears the lease.
 */
export class FakeDeliveriesRepository extends Breakable {
  readonly rows = new Map<string, ReportDelivery>();

  constructor(
    private readonly clock: FakeClock,
    /** For `lastDeliveredContentHash`, which joins the executions. */
    private readonly executions: FakeExecutions = new FakeExecutions(),
  ) {
    super();
  }

  /** Seeds a row: a pending email delivery unless `overrides` says otherwise. */
  add(overrides: Partial<ReportDelivery> = {}): ReportDelivery {
    const now = this.clock.now();
    const row = {
      id: randomUUID(),
      organization_id: ORG,
      report_execution_id: randomUUID(),
      recipient_type: 'email',
      recipient_value: 'eve@example.com',
      status: 'pending',
      attempts: 0,
      delivered_at: null,
      error_message: null,
      metadata: {},
      lease_id: null,
      leased_until: null,
      created_at: now,
      updated_at: now,
      ...overrides,
    } as ReportDelivery;
    this.rows.set(row.id, row);
    return row;
  }

  get(id: string): ReportDelivery {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no delivery ${id}`);
    return row;
  }

  async createForExecution(
    orgId: string,
    executionId: string,
    planned: PlannedDelivery[],
  ): Promise<string[]> {
    this.check('createForExecution');
    if (planned.length === 0) return [];
    for (const p of planned) {
      const exists = [...this.rows.values()].some(
        (r) =>
          r.report_execution_id === executionId &&
          r.recipient_type === p.type &&
          r.recipient_value === p.value,
      );
      if (exists) continue; // ON CONFLICT ... DO NOTHING
      this.add({
        organization_id: orgId,
        report_execution_id: executionId,
        recipient_type: p.type,
        recipient_value: p.value,
        status: p.skip ? 'skipped' : 'pending',
        error_message: p.skip?.message ?? null,
        metadata: p.skip ? { reason: p.skip.reason } : {},
      });
    }
    return this.of(orgId, executionId)
      .filter((r) => r.status === 'pending')
      .map((r) => r.id);
  }

  async listForExecution(orgId: string, executionId: string): Promise<ReportDelivery[]> {
    return this.of(orgId, executionId).map((r) => ({ ...r }));
  }

  async lastDeliveredContentHash(
    orgId: string,
    scheduleId: string,
    exceptExecutionId: string,
  ): Promise<string | null> {
    const delivered = [...this.executions.rows.values()]
      .filter(
        (e) =>
          e.organization_id === orgId &&
          e.scheduled_report_id === scheduleId &&
          e.id !== exceptExecutionId &&
          e.status === 'completed' &&
          [...this.rows.values()].some(
            (d) => d.report_execution_id === e.id && d.status === 'sent',
          ),
      )
      .sort((a, b) => (b.completed_at?.getTime() ?? 0) - (a.completed_at?.getTime() ?? 0));
    const hash = delivered[0]?.metadata.content_sha256;
    return typeof hash === 'string' ? hash : null;
  }

  async claim(
    orgId: string,
    id: string,
    leaseId: string,
    leaseMs: number,
  ): Promise<ReportDelivery | null> {
    this.check('claim');
    const row = this.rows.get(id);
    const now = this.clock.now();
    if (!row || row.organization_id !== orgId || !isOpen(row)) return null;
    if (row.leased_until !== null && !(row.leased_until < now)) return null;
    const lost = Number(row.metadata.lost_attempts ?? 0);
    Object.assign(row, {
      attempts: row.attempts + 1,
      lease_id: leaseId,
      leased_until: new Date(now.getTime() + leaseMs),
      updated_at: now,
      metadata: row.lease_id ? { ...row.metadata, lost_attempts: lost + 1 } : row.metadata,
    });
    return { ...row, metadata: { ...row.metadata } };
  }

  async markUnknown(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    this.check('markUnknown');
    const row = this.held(orgId, id, leaseId);
    if (row) Object.assign(row, { status: 'unknown', error_message: message.slice(0, 2000) });
  }

  async endLeaseLater(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    this.check('endLeaseLater');
    const row = this.held(orgId, id, leaseId);
    const now = this.clock.now();
    if (row) {
      Object.assign(row, {
        lease_id: null,
        leased_until: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
    }
  }

  async claimRenew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    this.check('claimRenew');
    const row = this.held(orgId, id, leaseId);
    if (row) row.leased_until = new Date(this.clock.now().getTime() + leaseMs);
  }

  async markSent(
    orgId: string,
    id: string,
    leaseId: string,
    metadata: Record<string, unknown>,
  ): Promise<boolean> {
    this.check('markSent');
    return this.finish(orgId, id, leaseId, 'sent', null, metadata);
  }

  async markFinal(
    orgId: string,
    id: string,
    leaseId: string,
    status: FinalStatus,
    message: string,
    metadata: Record<string, unknown> = {},
  ): Promise<boolean> {
    this.check('markFinal');
    return this.finish(orgId, id, leaseId, status, message, metadata);
  }

  async release(orgId: string, id: string, leaseId: string, message: string): Promise<void> {
    this.check('release');
    const row = this.held(orgId, id, leaseId);
    if (!row) return;
    Object.assign(row, {
      lease_id: null,
      leased_until: null,
      error_message: message.slice(0, 2000),
      updated_at: this.clock.now(),
    });
  }

  /** Unlike the others, the SQL does not require `pending` here: only the lease. */
  async remember(
    orgId: string,
    id: string,
    leaseId: string,
    facts: Record<string, unknown>,
  ): Promise<void> {
    this.check('remember');
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId || row.lease_id !== leaseId) return;
    row.metadata = { ...row.metadata, ...facts };
    row.updated_at = this.clock.now();
  }

  async findOne(orgId: string, id: string): Promise<ReportDelivery | null> {
    const row = this.rows.get(id);
    return row && row.organization_id === orgId ? { ...row } : null;
  }

  private of(orgId: string, executionId: string): ReportDelivery[] {
    return [...this.rows.values()].filter(
      (r) => r.organization_id === orgId && r.report_execution_id === executionId,
    );
  }

  /** The row when `leaseId` holds it and it is still open (the fence of every UPDATE). */
  private held(orgId: string, id: string, leaseId: string): ReportDelivery | null {
    const row = this.rows.get(id);
    if (!row || row.organization_id !== orgId) return null;
    return row.lease_id === leaseId && isOpen(row) ? row : null;
  }

  private finish(
    orgId: string,
    id: string,
    leaseId: string,
    status: DeliveryStatus,
    message: string | null,
    metadata: Record<string, unknown>,
  ): boolean {
    const row = this.held(orgId, id, leaseId);
    if (!row) return false;
    const now = this.clock.now();
    Object.assign(row, {
      status,
      error_message: message?.slice(0, 2000) ?? null,
      metadata: { ...row.metadata, ...metadata },
      delivered_at: status === 'sent' ? now : row.delivered_at,
      lease_id: null,
      leased_until: null,
      updated_at: now,
    });
    return true;
  }
}

/** Not sent yet, or sent without an answer: what the repository may still claim and finish. */
function isOpen(row: ReportDelivery): boolean {
  return row.status === 'pending' || row.status === 'unknown';
}

/** Members by user id, active or not (delivery tells a deactivated member from a removed one). */
export class FakeMembers {
  readonly rows: Member[] = [];

  add(overrides: Partial<Member> = {}): Member {
    const row = {
      id: randomUUID(),
      organization_id: ORG,
      user_id: `u-${randomUUID().slice(0, 8)}`,
      email: 'member@example.com',
      name: 'Mia Member',
      roles: ['editor'],
      permissions: [],
      is_active: true,
      last_seen_at: new Date(),
      ...overrides,
    } as Member;
    this.rows.push(row);
    return row;
  }

  async findByUserId(orgId: string, userId: string): Promise<Member | null> {
    const row = this.rows.find((m) => m.organization_id === orgId && m.user_id === userId);
    return row ? { ...row } : null;
  }

  async findActiveByEmails(orgId: string, emails: string[]): Promise<Member[]> {
    const wanted = new Set(emails.map((e) => e.toLowerCase()));
    return this.rows.filter(
      (m) => m.organization_id === orgId && m.is_active && m.email && wanted.has(m.email),
    );
  }

  async findActiveByUserIds(orgId: string, userIds: string[]): Promise<Member[]> {
    return this.rows.filter(
      (m) => m.organization_id === orgId && m.is_active && userIds.includes(m.user_id),
    );
  }

  async findActiveAdmins(orgId: string): Promise<Member[]> {
    return this.rows.filter(
      (m) => m.organization_id === orgId && m.is_active && m.roles.includes('admin'),
    );
  }
}

export function newOrganization(overrides: Partial<Organization> = {}): Organization {
  return {
    id: ORG,
    name: 'Acme',
    allowed_email_domains: [],
    max_active_schedules: 50,
    max_recipients: 20,
    run_now_per_hour: 10,
    retention_days: 30,
    attachment_limit_bytes: 10 * 1024 * 1024,
    link_ttl_hours: 72,
    email_budget_per_day: 10000,
    brand_name: null,
    slack_bot_token_encrypted: null,
    webhook_secret: null,
    webhook_secret_previous: null,
    webhook_secret_rotated_at: null,
    created_at: new Date('2026-01-01T00:00:00Z'),
    updated_at: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  } as Organization;
}

/** OrganizationsService.getOrganization over a map; an unknown org throws, as the real one does. */
export class FakeOrganizations {
  readonly rows = new Map<string, Organization>([[ORG, newOrganization()]]);

  async getOrganization(orgId: string): Promise<Organization> {
    const org = this.rows.get(orgId);
    if (!org) throw new Error(`organization ${orgId} not found`);
    return org;
  }
}

/** The unsubscribes table: one opt-out per org, schedule, recipient type and value. */
export class FakeUnsubscribes {
  private readonly keys = new Set<string>();

  unsubscribe(grant: UnsubscribeGrant): void {
    this.keys.add(key(grant));
  }

  async isUnsubscribed(grant: UnsubscribeGrant): Promise<boolean> {
    return this.keys.has(key(grant));
  }
}

function key(g: UnsubscribeGrant): string {
  return JSON.stringify([g.orgId, g.scheduleId, g.recipientType, g.recipientValue]);
}

/**
 * DeliveryContextFactory without the signing and storage: what the service handed it is kept in
 * `built`, and the context carries the parts a channel relies on (recipient, attempt, memory and
 * a `remember` fenced by the attempt's lease, as the real factory wires them).
 */
export class FakeContextFactory {
  readonly built: {
    parts: ContextParts;
    channel: Pick<DeliveryChannel, 'offersUnsubscribe'>;
    context: DeliveryContext;
  }[] = [];

  constructor(private readonly deliveries: FakeDeliveriesRepository) {}

  build(parts: ContextParts, channel: Pick<DeliveryChannel, 'offersUnsubscribe'>): DeliveryContext {
    const { delivery, organization, schedule, execution } = parts;
    const context = newDeliveryContext({
      deliveryId: delivery.id,
      attempt: parts.attempt,
      recipient: {
        type: delivery.recipient_type,
        value: delivery.recipient_value,
        email: parts.email,
        name: parts.memberName,
      },
      organization: { id: organization.id, name: organization.name },
      schedule: { id: schedule.id, name: schedule.name },
      execution: { id: execution.id },
      unsubscribeUrl: channel.offersUnsubscribe ? 'https://reports.example/u/tok' : null,
      memory: { ...delivery.metadata },
      remember: (facts) =>
        this.deliveries.remember(organization.id, delivery.id, parts.leaseId, facts),
    });
    this.built.push({ parts, channel, context });
    return context;
  }
}

/** A channel whose send each test sets; by default the peer accepts and returns a message id. */
export class FakeChannel implements DeliveryChannel {
  readonly sent: DeliveryContext[] = [];
  behaviour: (context: DeliveryContext) => Promise<DeliverySent> = async (context) => ({
    metadata: { message_id: `<${context.deliveryId}@reports.example>` },
  });

  constructor(
    readonly offersUnsubscribe = true,
    readonly countsAsEmail = false,
  ) {}

  async send(context: DeliveryContext): Promise<DeliverySent> {
    this.sent.push(context);
    return this.behaviour(context);
  }
}

/** One channel per recipient type, as DELIVERY_CHANNELS injects them. */
export function fakeChannels(): Record<RecipientType, FakeChannel> {
  return {
    email: new FakeChannel(true, true),
    user_id: new FakeChannel(true, true),
    slack_channel: new FakeChannel(true),
    webhook: new FakeChannel(false),
  };
}

/** The daily email budget, as many sends as `left` allows; spent per delivery id, once. */
export class FakeEmailBudget {
  left = Number.POSITIVE_INFINITY;
  readonly spent = new Set<string>();

  async spend(_org: unknown, deliveryId: string): Promise<boolean> {
    if (!this.spent.has(deliveryId)) {
      this.spent.add(deliveryId);
      this.left -= 1;
    }
    return this.left >= 0;
  }
}

/** FailureNoticesService as the delivery service uses it: the failures it was told about. */
export class FakeFailureNotices {
  readonly deliveryFailures: { orgId: string; executionId: string }[] = [];
  readonly accessRevocations: { orgId: string; executionId: string; reason: string }[] = [];

  async deliveryFailed(orgId: string, executionId: string): Promise<void> {
    this.deliveryFailures.push({ orgId, executionId });
  }

  async accessRevoked(orgId: string, executionId: string, reason: string): Promise<void> {
    this.accessRevocations.push({ orgId, executionId, reason });
  }
}

/** The delivery queue: job id = row id, so adding a job that exists is a no-op (as in Bull). */
export class FakeDeliveryQueue {
  readonly jobs = new Map<string, { name: 'deliver' | 'notice'; orgId: string }>();
  /** Every id asked for, in order, repeats included. */
  readonly requested: string[] = [];

  async deliver(deliveries: { id: string; orgId: string }[]): Promise<boolean> {
    return this.add('deliver', deliveries);
  }

  async notify(notices: { id: string; orgId: string }[]): Promise<boolean> {
    return this.add('notice', notices);
  }

  ids(name: 'deliver' | 'notice'): string[] {
    return [...this.jobs].filter(([, job]) => job.name === name).map(([id]) => id);
  }

  private async add(
    name: 'deliver' | 'notice',
    rows: { id: string; orgId: string }[],
  ): Promise<boolean> {
    for (const { id, orgId } of rows) {
      this.requested.push(id);
      if (!this.jobs.has(id)) this.jobs.set(id, { name, orgId });
    }
    return true;
  }
}

/** The bus as subscribers see it: `publish` hands an event to every subscriber of its type. */
export class FakeSubscriberBus {
  private readonly subscribers = new Map<DomainEventType, DomainEventSubscriber<object>[]>();

  subscribe<P extends object>(type: DomainEventType, subscriber: DomainEventSubscriber<P>): void {
    const list = this.subscribers.get(type) ?? [];
    list.push(subscriber as DomainEventSubscriber<object>);
    this.subscribers.set(type, list);
  }

  subscribersOf(type: DomainEventType): string[] {
    return (this.subscribers.get(type) ?? []).map((s) => s.name);
  }

  async publish<P extends object>(type: DomainEventType, payload: P, orgId = ORG): Promise<void> {
    const event = newDomainEvent(type, payload, orgId);
    for (const subscriber of this.subscribers.get(type) ?? []) await subscriber.handle(event);
  }
}

export function newDomainEvent<P extends object>(
  type: DomainEventType,
  payload: P,
  orgId = ORG,
): DomainEvent<P> {
  const subjectId = (payload as { execution_id?: string }).execution_id ?? randomUUID();
  return { id: randomUUID(), orgId, type, subjectId, payload, createdAt: new Date() };
}

/**
 * `notices` in memory, with NoticesRepository's semantics: unique per kind and subject; claim,
 * finish and noteRetry only touch a pending notice.
 */
export class FakeNoticesRepository extends Breakable {
  readonly rows = new Map<string, Notice>();
  /** What `failedDeliveries` answers, per execution. */
  readonly failed = new Map<string, { recipient: string; error: string }[]>();
  /** What `lastRunsAllFailed` answers. */
  lastRunsFailed = false;

  add(overrides: Partial<Notice> = {}): Notice {
    const row = {
      id: randomUUID(),
      organization_id: ORG,
      kind: 'delivery_failed',
      subject_id: randomUUID(),
      scheduled_report_id: randomUUID(),
      status: 'pending',
      attempts: 0,
      lost_attempts: 0,
      sent_at: null,
      error_message: null,
      details: {},
      lease_id: null,
      leased_until: null,
      created_at: new Date(),
      updated_at: new Date(),
      ...overrides,
    } as Notice;
    this.rows.set(row.id, row);
    return row;
  }

  get(id: string): Notice {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no notice ${id}`);
    return row;
  }

  async create(notice: NewNotice): Promise<string | null> {
    const exists = [...this.rows.values()].some(
      (n) => n.kind === notice.kind && n.subject_id === notice.subjectId,
    );
    if (exists) return null;
    return this.add({
      organization_id: notice.orgId,
      kind: notice.kind,
      subject_id: notice.subjectId,
      scheduled_report_id: notice.scheduleId,
      details: notice.details ?? {},
    }).id;
  }

  async claim(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<Notice | null> {
    this.check('claim');
    const row = this.pending(orgId, id);
    if (!row || (row.leased_until && row.leased_until.getTime() >= Date.now())) return null;
    Object.assign(row, {
      attempts: row.attempts + 1,
      lost_attempts: row.lost_attempts + (row.lease_id ? 1 : 0),
      lease_id: leaseId,
      leased_until: new Date(Date.now() + leaseMs),
    });
    return { ...row };
  }

  async isPending(orgId: string, id: string): Promise<boolean> {
    return this.pending(orgId, id) !== null;
  }

  async renew(orgId: string, id: string, leaseId: string, leaseMs: number): Promise<void> {
    const row = this.held(orgId, id, leaseId);
    if (row) row.leased_until = new Date(Date.now() + leaseMs);
  }

  async finish(
    orgId: string,
    id: string,
    leaseId: string,
    status: 'sent' | 'failed' | 'skipped',
    message: string | null,
  ): Promise<boolean> {
    this.check('finish');
    const row = this.held(orgId, id, leaseId);
    if (!row) return false;
    Object.assign(row, {
      status,
      error_message: message?.slice(0, 2000) ?? null,
      sent_at: status === 'sent' ? new Date() : row.sent_at,
      lease_id: null,
      leased_until: null,
    });
    return true;
  }

  async noteRetry(
    orgId: string,
    id: string,
    leaseId: string,
    message: string,
    holdMs = 0,
  ): Promise<void> {
    this.check('noteRetry');
    const row = this.held(orgId, id, leaseId);
    if (!row) return;
    Object.assign(row, {
      error_message: message.slice(0, 2000),
      lease_id: null,
      leased_until: holdMs > 0 ? new Date(Date.now() + holdMs) : null,
    });
  }

  async lastRunsAllFailed(): Promise<boolean> {
    return this.lastRunsFailed;
  }

  async failedDeliveries(
    _orgId: string,
    executionId: string,
  ): Promise<{ recipient: string; error: string }[]> {
    return this.failed.get(executionId) ?? [];
  }

  private pending(orgId: string, id: string): Notice | null {
    const row = this.rows.get(id);
    return row && row.organization_id === orgId && row.status === 'pending' ? row : null;
  }

  private held(orgId: string, id: string, leaseId: string): Notice | null {
    const row = this.pending(orgId, id);
    return row?.lease_id === leaseId ? row : null;
  }
}

/** The notice mailer: what it was asked to send, and a behaviour a test may make throw. */
export class FakeNoticeMailer {
  readonly sent: NoticeMail[] = [];
  behaviour: (mail: NoticeMail) => Promise<void> = async () => undefined;

  async send(mail: NoticeMail): Promise<{ message_ids: string[] }> {
    this.sent.push(mail);
    await this.behaviour(mail);
    return { message_ids: mail.to.map((_to, i) => `<${mail.noticeId}-${i}@reports.example>`) };
  }
}

/** An AppConfigService with what delivery reads. */
export function deliveryConfig(
  overrides: { lockDurationMs?: number; autoPauseAfterFailures?: number } = {},
): AppConfigService {
  return {
    values: {
      publicBaseUrl: 'https://reports.example',
      queue: { lockDurationMs: overrides.lockDurationMs ?? 30_000, attempts: 5, backoffMs: 5000 },
      delivery: {
        concurrency: 4,
        webhookTimeoutMs: 10_000,
        autoPauseAfterFailures: overrides.autoPauseAfterFailures ?? 0,
      },
    },
  } as unknown as AppConfigService;
}
