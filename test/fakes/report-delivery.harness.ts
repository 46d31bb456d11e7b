import { Logger } from '@nestjs/common';
import type { ExecutionsRepository } from 'src/modules/executions/executions.repository';
import type { ReportExecution } from 'src/modules/executions/entities/report-execution.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import type { OrganizationsService } from 'src/modules/organizations/organizations.service';
import type { ScheduledReport } from 'src/modules/schedules/entities/scheduled-report.entity';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { ScheduleAccessPolicy } from 'src/modules/schedules/schedule-access.policy';
import type { EmailBudget } from 'src/modules/rate-limits/email-budget';
import type { JobAttempt } from 'src/queue/job-attempt';
import type { DeliveryContextFactory } from 'src/modules/delivery/delivery-context.factory';
import type { DeliveriesRepository } from 'src/modules/delivery/deliveries.repository';
import type { ReportDelivery } from 'src/modules/delivery/entities/report-delivery.entity';
import type { FailureNoticesService } from 'src/modules/delivery/notices/failure-notices.service';
import { ReportDeliveryService } from 'src/modules/delivery/report-delivery.service';
import type { UnsubscribeService } from 'src/modules/delivery/unsubscribe/unsubscribe.service';
import {
  deliveryConfig,
  fakeChannels,
  FakeContextFactory,
  FakeDeliveriesRepository,
  FakeEmailBudget,
  FakeExecutions,
  FakeFailureNotices,
  FakeMembers,
  FakeOrganizations,
  FakeSchedules,
  FakeUnsubscribes,
  ORG,
} from 'test/fakes/delivery.fakes';
import { FakeAccessPolicy } from 'test/fakes/execution.fakes';
import { FakeClock } from 'test/utils/fake-clock';

/**
 * ReportDeliveryService on fakes, shared by its specs (report-delivery.service, .skips, .leases
 * and .failures): the same service, the same attempts and the same fake timers in each.
 */
export const FIRST: JobAttempt = { number: 1, max: 3 };
export const SECOND: JobAttempt = { number: 2, max: 3 };
export const LAST: JobAttempt = { number: 3, max: 3 };
export const LEASE_MS = 30_000;
/**
 * The heartbeat's setInterval runs on fake timers in every test: it fires only when a test moves
 * them (with the clock), and a test that fails mid-send leaves no live interval behind. Date and
 * the microtask queue stay real.
 */
const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['Date', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'],
};

export function setupDeliveryService(config: { lockDurationMs?: number } = {}) {
  const clock = new FakeClock(new Date('2026-12-07T14:01:00Z'));
  const executions = new FakeExecutions();
  const deliveries = new FakeDeliveriesRepository(clock, executions);
  const schedules = new FakeSchedules();
  const organizations = new FakeOrganizations();
  const members = new FakeMembers();
  const unsubscribes = new FakeUnsubscribes();
  const contexts = new FakeContextFactory(deliveries);
  const notices = new FakeFailureNotices();
  const access = new FakeAccessPolicy();
  const emailBudget = new FakeEmailBudget();
  const channels = fakeChannels();
  const service = new ReportDeliveryService(
    deliveries as unknown as DeliveriesRepository,
    executions as unknown as ExecutionsRepository,
    schedules as unknown as SchedulesRepository,
    access as unknown as ScheduleAccessPolicy,
    emailBudget as unknown as EmailBudget,
    organizations as unknown as OrganizationsService,
    members as unknown as MembersRepository,
    unsubscribes as unknown as UnsubscribeService,
    contexts as unknown as DeliveryContextFactory,
    notices as unknown as FailureNoticesService,
    deliveryConfig(config),
    channels,
  );
  /** A pending delivery (to eve@example.com unless said otherwise) of a completed run. */
  const pendingDelivery = (
    delivery: Partial<ReportDelivery> = {},
    run: Partial<ReportExecution> = {},
    schedule: Partial<ScheduledReport> = {},
  ) => {
    const s = schedules.add(schedule);
    const e = executions.add({ scheduled_report_id: s.id, ...run });
    const d = deliveries.add({ report_execution_id: e.id, ...delivery });
    return { schedule: s, execution: e, delivery: d, job: { deliveryId: d.id, orgId: ORG } };
  };
  /** Calls to any channel, whichever type. */
  const sends = () => Object.values(channels).flatMap((c) => c.sent);
  return {
    service,
    clock,
    deliveries,
    executions,
    schedules,
    members,
    unsubscribes,
    contexts,
    notices,
    access,
    emailBudget,
    channels,
    pendingDelivery,
    sends,
  };
}

/** A promise and the function that settles it, for a send the test finishes when it chooses. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Fake timers for the heartbeat, and quiet warn/error logs, around every test of a spec. */
export function useDeliveryTestTimers(): void {
  beforeEach(() => {
    jest.useFakeTimers(FAKE_TIMERS);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}
