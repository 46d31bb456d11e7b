import { Injectable } from '@nestjs/common';
import { defer, EMPTY, finalize, Observable, takeUntil, timer } from 'rxjs';
import { Actor } from 'src/common/auth/actor';

/** Event streams one member may hold open at once in one API process, of every kind together. */
export const MAX_EVENT_STREAMS_PER_MEMBER = 5;

/**
 * The Server-Sent Events streams each member holds open in this process. One budget covers
 * every kind of stream, so a member (or a leaked token) cannot hold more connections open by
 * spreading them over endpoints; and a stream never outlives the token that opened it.
 */
@Injectable()
export class MemberStreams {
  private readonly openPerMember = new Map<string, number>();

  /** Whether the member may open one more stream here. */
  hasRoomFor(actor: Actor): boolean {
    return (this.openPerMember.get(memberKey(actor)) ?? 0) < MAX_EVENT_STREAMS_PER_MEMBER;
  }

  /** `source`, counted against the member's budget while subscribed; ends when the token expires. */
  hold<T>(actor: Actor, source: Observable<T>): Observable<T> {
    const key = memberKey(actor);
    const expired = actor.tokenExpiresAt
      ? timer(Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()))
      : EMPTY;
    return defer(() => {
      this.openPerMember.set(key, (this.openPerMember.get(key) ?? 0) + 1);
      return source;
    }).pipe(
      takeUntil(expired),
      finalize(() => {
        const left = (this.openPerMember.get(key) ?? 1) - 1;
        if (left > 0) this.openPerMember.set(key, left);
        else this.openPerMember.delete(key);
      }),
    );
  }
}

function memberKey(actor: Actor): string {
  return `${actor.orgId}:${actor.userId}`;
}
