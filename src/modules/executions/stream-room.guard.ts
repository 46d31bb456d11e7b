import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { RateLimitedError } from 'src/common/errors/domain-error';
import { ExecutionStatusStream, MAX_STREAMS_PER_MEMBER } from './execution-status.stream';

/** Refuses a member's stream past the per-member cap, before the stream's 200 goes out. */
@Injectable()
export class StreamRoomGuard implements CanActivate {
  constructor(private readonly streams: ExecutionStatusStream) {}

  canActivate(context: ExecutionContext): boolean {
    const { user } = context.switchToHttp().getRequest<{ user: Actor }>();
    if (this.streams.hasRoomFor(user)) return true;
    throw new RateLimitedError(
      `event_streams_per_member: a member may hold ${MAX_STREAMS_PER_MEMBER} event streams open ` +
        'at once; close one first',
      5,
    );
  }
}
