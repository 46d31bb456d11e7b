import { Clock } from 'src/common/clock';
import { tzdataVersion } from 'src/modules/schedules/calendar/schedule-calculator';
import type { PendingSlot, SlotMove, TzdataRepository, TzdataTx } from './tzdata.repository';
import { TzdataSyncService } from './tzdata-sync.service';

/** The recorded version and the pending slots, in memory. */
function setup(recorded: string | null, pending: PendingSlot[]) {
  const state = { recorded, moves: [] as SlotMove[], locked: 0 };
  const tx = {
    databaseNow: async () => new Date('2026-12-01T00:00:00Z'),
    pendingAfter: async (afterId: string) => pending.filter((p) => p.id > afterId),
    move: async (moves: SlotMove[]) => void state.moves.push(...moves),
    record: async (version: string) => void (state.recorded = version),
  } as unknown as TzdataTx;
  const repository = {
    recordedVersion: async () => state.recorded,
    exclusively: async <T>(work: (t: TzdataTx, r: string | null) => Promise<T>) => {
      state.locked += 1;
      return work(tx, state.recorded);
    },
  } as unknown as TzdataRepository;
  return { service: new TzdataSyncService(repository, new Clock()), state };
}

const pendingSlot = (overrides: Partial<PendingSlot>): PendingSlot => ({
  id: '00000000-0000-4000-8000-000000000001',
  schedule_config: { cadence: 'daily', time: '09:00', timezone: 'Asia/Kathmandu' },
  next_run_at: new Date('2026-12-01T03:15:00Z'),
  next_slot_local: '2026-12-01T09:00',
  next_slot_fold: 0,
  ...overrides,
});

describe('TzdataSyncService', () => {
  it('leaves the schedules alone when the recorded version is as new as its own', async () => {
    const { service, state } = setup('9999z', [pendingSlot({ next_run_at: new Date(0) })]);
    expect(await service.syncIfChanged()).toBe(0);
    expect(state.locked).toBe(0);
    expect(state.recorded).toBe('9999z');
  });

  it('gives a pending slot the instant its nominal time has in the current data', async () => {
    // Stored 15 s early, as older data would have put it.
    const stale = pendingSlot({ next_run_at: new Date('2026-12-01T03:14:45Z') });
    const { service, state } = setup('2000a', [stale]);
    expect(await service.syncIfChanged()).toBe(1);
    expect(state.moves).toEqual([
      {
        id: stale.id,
        nextRunAt: new Date('2026-12-01T03:15:00Z'),
        local: '2026-12-01T09:00',
        fold: 0,
      },
    ]);
    expect(state.recorded).toBe(tzdataVersion());
  });

  it('fills in a missing key, moves nothing already right, and skips a zone it does not know', async () => {
    const { service, state } = setup(null, [
      pendingSlot({ id: '00000000-0000-4000-8000-000000000001' }),
      pendingSlot({ id: '00000000-0000-4000-8000-000000000002', next_slot_local: null }),
      pendingSlot({
        id: '00000000-0000-4000-8000-000000000003',
        schedule_config: { cadence: 'daily', time: '09:00', timezone: 'Gone/Zone' },
      }),
    ]);
    expect(await service.syncIfChanged()).toBe(1);
    expect(state.moves.map((m) => [m.id.slice(-1), m.local])).toEqual([['2', '2026-12-01T09:00']]);
  });
});
