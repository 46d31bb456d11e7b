import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from 'src/common/auth/auth.decorators';
import { listHolidayCalendars } from './calendar/business-calendar';
import { HolidayCalendarDto } from './dto/holiday-calendar.dto';

/** The picker for `business_days_only` schedules (the console's schedule step). */
@ApiTags('scheduled-reports')
@Controller('holiday-calendars')
export class HolidayCalendarsController {
  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'The holiday calendars a schedule may name',
    description:
      'Countries by name, each followed by its states; `code` is the value of `schedule_config.holiday_calendar`.',
  })
  @ApiOkResponse({ type: HolidayCalendarDto, isArray: true })
  list(): HolidayCalendarDto[] {
    return listHolidayCalendars();
  }
}
