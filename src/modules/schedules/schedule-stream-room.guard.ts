import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { MAX_SCHEDULE_STREAMS_PER_MEMBER, ScheduleChangesStream } from './schedule-changes.stream';

/** Refuses a member's schedules stream past the per-member cap, before the stream's 200 goes out. */
@Injectable()
export class ScheduleStreamRoomGuard implements CanActivate {
  constructor(private readonly streams: ScheduleChangesStream) {}

  canActivate(context: ExecutionContext): boolean {
    const { user } = context.switchToHttp().getRequest<{ user: Actor }>();
    if (this.streams.hasRoomFor(user)) return true;
    throw new RateLimitedError(
      `event_streams_per_member: a member may hold ${MAX_SCHEDULE_STREAMS_PER_MEMBER} schedule ` +
        'event streams open at once; close one first',
      5,
    );
  }
}
