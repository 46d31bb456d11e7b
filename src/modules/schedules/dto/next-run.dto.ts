import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
    enum: [
      'dst_gap',
      'dst_overlap',
      'month_end',
      'business_roll',
      'holiday_roll',
      'cron_skips_month',
    ],
    example: 'dst_gap',
  })
  note_code?: string;
}

export class NextRunsDto {
  @ApiProperty({ type: [NextRunDto] })
  runs: NextRunDto[];
}
