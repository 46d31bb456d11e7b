import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { MAX_EVENT_STREAMS_PER_MEMBER, MemberStreams } from './member-streams';

/** Refuses a member's stream past the per-member cap, before the stream's 200 goes out. */
@Injectable()
export class StreamRoomGuard implements CanActivate {
  constructor(private readonly streams: MemberStreams) {}

  canActivate(context: ExecutionContext): boolean {
    const { user } = context.switchToHttp().getRequest<{ user: Actor }>();
    if (this.streams.hasRoomFor(user)) return true;
    throw new RateLimitedError(
      `event_streams_per_member: a member may hold ${MAX_EVENT_STREAMS_PER_MEMBER} event ` +
        'streams open at once (run timelines and schedule lists together); close one first',
      5,
    );
  }
}
