import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_NOTE_CODES, RunNoteCode } from 'src/domain/vocabulary';

/** One upcoming run, in UTC and on the schedule's wall clock. */
export class NextRunDto {
  @ApiProperty({ example: '2026-03-08T07:00:00.000Z', description: 'The instant, UTC' })
  at: string;

  @ApiProperty({
    example: '2026-03-08T03:00:00-04:00',
    description: "Wall clock of the schedule's zone",
  })
  local: string;

  @ApiProperty({ example: '-04:00' })
  utc_offset: string;

  @ApiPropertyOptional({
    example: '02:30 does not exist on 2026-03-08; runs at 03:00 EDT',
    description: 'Present when DST, a month end, a weekend or a holiday moved the run',
  })
  note?: string;

  @ApiPropertyOptional({
    enum: RUN_NOTE_CODES,
    example: 'dst_gap',
  })
  note_code?: RunNoteCode;
}

export class NextRunsDto {
  @ApiProperty({ type: [NextRunDto] })
  runs: NextRunDto[];
}
