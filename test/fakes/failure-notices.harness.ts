import type { Actor } from 'src/common/auth/actor';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { Member } from 'src/modules/organizations/entities/member.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import type { OrganizationsService } from 'src/modules/organizations/organizations.service';
import type { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { SchedulesService } from 'src/modules/schedules/schedules.service';
import type { DeliveryQueue } from 'src/queue/delivery-queue';
import type { JobAttempt } from 'src/queue/job-attempt';
import type { Notice } from 'src/modules/delivery/entities/notice.entity';
import { FailureNoticesService } from 'src/modules/delivery/notices/failure-notices.service';
import type { NoticesRepository } from 'src/modules/delivery/notices/notices.repository';
import type { NoticeMailer } from 'src/modules/delivery/mail/notice-mailer';
import {
  deliveryConfig,
  FakeDeliveryQueue,
  FakeExecutions,
  FakeMembers,
  FakeNoticeMailer,
  FakeNoticesRepository,
  FakeOrganizations,
  FakeSchedules,
  FakeSubscriberBus,
  ORG,
} from 'test/fakes/delivery.fakes';

// FailureNoticesService on fakes, shared by its specs (failure-notices.service and .events).

export const FIRST: JobAttempt = { number: 1, max: 3 };
export const LAST: JobAttempt = { number: 3, max: 3 };

/** SchedulesService as the auto-pause uses it: which schedules it paused. */
export class FakeSchedulesService {
  readonly paused: string[] = [];
  async pause(_actor: Actor, scheduleId: string): Promise<void> {
    this.paused.push(scheduleId);
  }
}

export function setupFailureNotices() {
  const notices = new FakeNoticesRepository();
  const executions = new FakeExecutions();
  const schedules = new FakeSchedules();
  const organizations = new FakeOrganizations();
  const members = new FakeMembers();
  const mailer = new FakeNoticeMailer();
  const queue = new FakeDeliveryQueue();
  const bus = new FakeSubscriberBus();
  const schedulesService = new FakeSchedulesService();
  const service = new FailureNoticesService(
    notices as unknown as NoticesRepository,
    executions as unknown as ExecutionsRepository,
    schedules as unknown as SchedulesRepository,
    schedulesService as unknown as SchedulesService,
    organizations as unknown as OrganizationsService,
    members as unknown as MembersRepository,
    mailer as unknown as NoticeMailer,
    queue as unknown as DeliveryQueue,
    deliveryConfig(),
    bus as unknown as DomainEventBus,
  );
  /** A pending notice about a failed run, to the schedule's active creator owner@example.com. */
  const pendingNotice = (
    notice: Partial<Notice> = {},
    options: {
      creator?: Partial<Member> | null;
      schedule?: Partial<ScheduledReport>;
      run?: Partial<ReportExecution>;
    } = {},
  ) => {
    if (options.creator !== null) {
      members.add({ user_id: 'u-owner', email: 'owner@example.com', ...options.creator });
    }
    const s = schedules.add({ created_by: 'u-owner', ...options.schedule });
    const e = executions.add({
      scheduled_report_id: s.id,
      status: 'failed',
      file_key: null,
      error_message: 'relation "invoices" does not exist',
      ...options.run,
    });
    const n = notices.add({
      kind: 'execution_failed',
      subject_id: e.id,
      scheduled_report_id: s.id,
      ...notice,
    });
    return { notice: n, schedule: s, execution: e, job: { noticeId: n.id, orgId: ORG } };
  };
  return {
    service,
    notices,
    executions,
    schedules,
    organizations,
    mailer,
    queue,
    bus,
    members,
    schedulesService,
    pendingNotice,
  };
}
