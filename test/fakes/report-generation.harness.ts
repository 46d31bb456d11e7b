/** The ReportGenerationService under test with fakes around it, shared by its specs. */
import type { ReportGenerator } from 'src/modules/generators/report-generator';
import type { SchedulesRepository } from 'src/modules/schedules/schedules.repository';
import type { StorageDriver } from 'src/modules/storage/storage-driver';
import type { JobAttempt } from 'src/queue/job-attempt';
import type { ScheduleAccessPolicy } from 'src/modules/schedules/schedule-access.policy';
import {
  FakeAccessPolicy,
  FakeEventBus,
  FakeExecutionStore,
  FakeLiveEvents,
  FakeReportGenerator,
  FakeSchedules,
  fakeConfig,
  ORG,
} from './execution.fakes';
import type { DomainEventBus } from 'src/modules/outbox/domain-event-bus';
import type { ExecutionEventsService } from 'src/modules/executions/execution-events.service';
import { ExecutionOutcomes } from 'src/modules/executions/execution-outcomes.service';
import type { ExecutionStateRepository } from 'src/modules/executions/execution-state.repository';
import { ReportGenerationService } from 'src/modules/executions/generation/report-generation.service';
import { OperationCounters } from 'src/modules/metrics/operation-counters';

export const FIRST: JobAttempt = { number: 1, max: 3 };
export const LAST: JobAttempt = { number: 3, max: 3 };

/** What the service asks of storage: removing the files of attempts that lost. */
class FakeStorage {
  readonly deleted: string[] = [];

  async delete(key: string): Promise<void> {
    this.deleted.push(key);
  }
}

export function setupGeneration(
  limits: { generationTimeoutMs?: number } = {},
  queue: { lockDurationMs?: number } = {},
) {
  const store = new FakeExecutionStore();
  const storage = new FakeStorage();
  const schedules = new FakeSchedules();
  const generator = new FakeReportGenerator();
  const bus = new FakeEventBus();
  const live = new FakeLiveEvents();
  const access = new FakeAccessPolicy();
  const state = store as unknown as ExecutionStateRepository;
  const events = live as unknown as ExecutionEventsService;
  const outcomes = new ExecutionOutcomes(state, bus as unknown as DomainEventBus, events);
  const counters = new OperationCounters();
  const service = new ReportGenerationService(
    state,
    outcomes,
    schedules as unknown as SchedulesRepository,
    access as unknown as ScheduleAccessPolicy,
    generator as unknown as ReportGenerator,
    events,
    fakeConfig(limits, queue),
    storage as unknown as StorageDriver,
    counters,
  );
  /** A pending run of a fresh schedule. */
  const pendingRun = (
    schedule: Parameters<FakeSchedules['add']>[0] = {},
    run: Parameters<FakeExecutionStore['add']>[0] = {},
  ) => {
    const s = schedules.add(schedule);
    const e = store.add({ scheduled_report_id: s.id, ...run });
    return { schedule: s, execution: e, job: { executionId: e.id, orgId: ORG } };
  };
  /** The attempt holding a run stops renewing: its lease is over, another may take over. */
  const expireLease = (executionId: string) => {
    store.get(executionId).leased_until = new Date(Date.now() - 1);
  };
  return {
    service,
    store,
    storage,
    schedules,
    generator,
    bus,
    live,
    access,
    pendingRun,
    expireLease,
    counters,
  };
}
