import { Module } from '@nestjs/common';
import { MemberStreams } from './member-streams';
import { StreamRoomGuard } from './stream-room.guard';

/** The per-member budget of event streams, one per process for every module that streams. */
@Module({
  providers: [MemberStreams, StreamRoomGuard],
  exports: [MemberStreams, StreamRoomGuard],
})
export class EventStreamsModule {}
