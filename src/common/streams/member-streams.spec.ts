import { NEVER, Observable, Subscription } from 'rxjs';
import type { Actor } from 'src/common/auth/actor';
import { MAX_EVENT_STREAMS_PER_MEMBER, MemberStreams } from './member-streams';

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  userId: 'u-1',
  orgId: 'org-1',
  roles: ['viewer'],
  permissions: [],
  ...overrides,
});

describe('MemberStreams', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('caps the streams a member holds open across every kind, and frees a place when one closes', () => {
    const streams = new MemberStreams();
    const runTimelines: Observable<never> = NEVER;
    const scheduleLists: Observable<never> = NEVER;
    const open: Subscription[] = [];
    for (let i = 0; i < MAX_EVENT_STREAMS_PER_MEMBER; i += 1) {
      const kind = i % 2 === 0 ? runTimelines : scheduleLists;
      open.push(streams.hold(actor(), kind).subscribe());
    }

    expect(streams.hasRoomFor(actor())).toBe(false);
    expect(streams.hasRoomFor(actor({ userId: 'u-2' }))).toBe(true);
    expect(streams.hasRoomFor(actor({ orgId: 'org-2' }))).toBe(true);
    open.pop()?.unsubscribe();
    expect(streams.hasRoomFor(actor())).toBe(true);
    open.forEach((s) => s.unsubscribe());
  });

  it('counts a stream only while it is subscribed, ended by the source or not', () => {
    const streams = new MemberStreams();
    const held = streams.hold(actor(), NEVER);
    for (let i = 0; i < MAX_EVENT_STREAMS_PER_MEMBER; i += 1) {
      streams.hold(actor(), new Observable<never>((s) => s.complete())).subscribe();
    }
    expect(streams.hasRoomFor(actor())).toBe(true);

    const subscriptions = Array.from({ length: MAX_EVENT_STREAMS_PER_MEMBER }, () =>
      held.subscribe(),
    );
    expect(streams.hasRoomFor(actor())).toBe(false);
    subscriptions.forEach((s) => s.unsubscribe());
    expect(streams.hasRoomFor(actor())).toBe(true);
  });

  it('ends a stream when the token that opened it expires, and frees its place', async () => {
    const streams = new MemberStreams();
    let done = false;
    const who = actor({ tokenExpiresAt: new Date(Date.now() + 60_000) });
    for (let i = 0; i < MAX_EVENT_STREAMS_PER_MEMBER; i += 1) {
      streams.hold(who, NEVER).subscribe({ complete: () => (done = true) });
    }
    await jest.advanceTimersByTimeAsync(59_000);
    expect(done).toBe(false);
    expect(streams.hasRoomFor(who)).toBe(false);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(true);
    expect(streams.hasRoomFor(who)).toBe(true);
  });
});
