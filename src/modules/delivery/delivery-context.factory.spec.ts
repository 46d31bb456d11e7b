import type { Clock } from 'src/common/clock';
import type { AppConfigService } from 'src/config/app-config.service';
import type { RunConfig } from 'src/modules/executions/run-config';
import type { OrganizationSecretsService } from 'src/modules/organizations/organization-secrets.service';
import type { StorageDriver } from 'src/modules/storage/storage-driver';
import {
  FakeDeliveriesRepository,
  FakeExecutions,
  FakeSchedules,
  newOrganization,
} from 'test/fakes/delivery.fakes';
import { FakeClock } from 'test/utils/fake-clock';
import type { DeliveriesRepository } from './deliveries.repository';
import { DeliveryContextFactory } from './delivery-context.factory';
import type { UnsubscribeService } from './unsubscribe/unsubscribe.service';

function setup() {
  const clock = new FakeClock(new Date('2026-12-07T14:00:06Z'));
  const executions = new FakeExecutions();
  const deliveries = new FakeDeliveriesRepository(clock, executions);
  const schedules = new FakeSchedules();
  const config = {
    values: {
      appKeys: [{ id: 'k1', secret: 'a-secret-of-sixteen+' }],
      publicBaseUrl: 'https://reports.example',
    },
  } as unknown as AppConfigService;
  const factory = new DeliveryContextFactory(
    deliveries as unknown as DeliveriesRepository,
    {
      slackBotToken: () => null,
      webhookSecrets: () => [],
    } as unknown as OrganizationSecretsService,
    { urlFor: () => 'https://reports.example/unsubscribe' } as unknown as UnsubscribeService,
    config,
    clock as unknown as Clock,
    {} as StorageDriver,
  );
  /** A schedule as it is now, and a run of it whose claim copied `claimed` (or nothing). */
  const build = (claimed?: Partial<RunConfig>) => {
    const schedule = schedules.add({
      name: 'Renamed since',
      output_format: 'csv',
      schedule_config: { ...schedules.add().schedule_config, timezone: 'Asia/Tokyo' },
    });
    const snapshot: RunConfig | null = claimed
      ? {
          name: schedule.name,
          report_type: schedule.report_type,
          report_parameters: schedule.report_parameters,
          output_format: schedule.output_format,
          timezone: schedule.schedule_config.timezone,
          recipients: schedule.recipients,
          delivery_options: schedule.delivery_options,
          ...claimed,
        }
      : null;
    const execution = executions.add({
      scheduled_report_id: schedule.id,
      scheduled_for: new Date('2026-12-07T14:00:00Z'),
      config_snapshot: snapshot,
    });
    const delivery = deliveries.add({ report_execution_id: execution.id });
    return factory.build(
      {
        delivery,
        leaseId: 'lease',
        attempt: 1,
        organization: newOrganization(),
        schedule,
        execution,
        email: 'eve@example.com',
      },
      { offersUnsubscribe: true },
    );
  };
  return { build };
}

describe('DeliveryContextFactory', () => {
  it('describes the run by the name, zone and format copied at its claim, not a later edit', () => {
    const ctx = setup().build({
      name: 'Monthly revenue',
      timezone: 'Europe/Paris',
      output_format: 'xlsx',
    });

    expect(ctx.schedule).toMatchObject({
      name: 'Monthly revenue',
      timezone: 'Europe/Paris',
      outputFormat: 'xlsx',
    });
    expect(ctx.recipient.timezone).toBe('Europe/Paris');
    // The file name carries the claimed name and the slot's date in the claimed zone.
    expect(ctx.execution.fileName).toMatch(/^monthly-revenue.*2026-12-07/i);
  });

  it('describes a run without a copy (a manual run) by the live schedule', () => {
    const ctx = setup().build();

    expect(ctx.schedule).toMatchObject({ name: 'Renamed since', timezone: 'Asia/Tokyo' });
    expect(ctx.execution.fileName).toMatch(/^renamed-since/i);
  });
});
