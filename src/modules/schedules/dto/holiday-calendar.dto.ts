import { ApiProperty } from '@nestjs/swagger';

/** One value `schedule_config.holiday_calendar` accepts. */
export class HolidayCalendarDto {
  @ApiProperty({ example: 'US-CA', description: 'Country code, or country-state' })
  code: string;

  @ApiProperty({ example: 'United States of America: California' })
  name: string;
}
