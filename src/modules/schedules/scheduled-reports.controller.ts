import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Sse,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { Clock } from 'src/common/clock';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { PaginatedResponseDto } from 'src/common/http/paginated-response.dto';
import { StreamRoomGuard } from 'src/common/streams/stream-room.guard';
import { CreateScheduledReportDto } from './dto/create-scheduled-report.dto';
import { ListScheduledReportsQueryDto } from './dto/list-scheduled-reports-query.dto';
import { NextRunsDto } from './dto/next-run.dto';
import { NextRunsQueryDto } from './dto/next-runs-query.dto';
import { PatchScheduledReportDto } from './dto/patch-scheduled-report.dto';
import { PreviewScheduleDto } from './dto/preview-schedule.dto';
import { ScheduledReportDto } from './dto/scheduled-report.dto';
import { UpdateScheduledReportDto } from './dto/update-scheduled-report.dto';
import { ScheduleChangesStream } from './schedule-changes.stream';
import { toScheduleChanges, toScheduleInput } from './schedule-input.mapper';
import { SchedulesService } from './schedules.service';

@ApiTags('scheduled-reports')
@Controller('scheduled-reports')
export class ScheduledReportsController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly changes: ScheduleChangesStream,
    private readonly clock: Clock,
  ) {}

  @Post()
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Create a schedule',
    description: "Needs the report type's permission. `next_run_at` is computed at once.",
  })
  @ApiCreatedResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateScheduledReportDto) {
    return this.schedules.create(actor, toScheduleInput(body));
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List schedules, newest first' })
  @ApiOkResponse({ type: PaginatedResponseDto(ScheduledReportDto) })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: ListScheduledReportsQueryDto) {
    return this.schedules.list(
      actor,
      { status: query.status, reportType: query.report_type, q: query.q },
      query.page,
      query.limit,
    );
  }

  // Declared before `:id`, whose ParseUUIDPipe would otherwise answer 400 for "events".
  @Sse('events')
  @RequireRole('viewer')
  @UseGuards(StreamRoomGuard)
  @ApiOperation({
    summary: "Server-Sent Events: the organization's schedules changed",
    description:
      'Sends a `changed` event when it opens, then one whenever a schedule, a run or a ' +
      "delivery of the caller's organization is created, changed, paused, resumed or deleted " +
      '(seen within about 2 s), so a list re-reads itself instead of polling; no other ' +
      "organization's changes. Ends when the token that opened it expires. A member may hold " +
      '5 event streams open per API process, these and run timelines together (429 past ' +
      'that).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'event: changed\ndata: {"at":"2026-12-01T09:30:00.000Z"}' })
  @ApiErrors(429)
  events(@CurrentActor() actor: Actor): Observable<MessageEvent> {
    return this.changes.open(actor);
  }

  @Post('preview-schedule')
  @HttpCode(HttpStatus.OK)
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Preview the runs of a schedule_config; nothing is stored',
    description:
      'Runs strictly after `after` (default now). Each run moved by DST, a month end, a weekend or a holiday carries a `note`.',
  })
  @ApiOkResponse({ type: NextRunsDto })
  @ApiErrors(400)
  preview(@Body() body: PreviewScheduleDto) {
    const after = body.after ? new Date(body.after) : this.clock.now();
    return this.schedules.preview(body.schedule_config, after, body.count);
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One schedule' })
  @ApiOkResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.get(actor, id);
  }

  @Put(':id')
  @RequireRole('editor')
  @ApiOperation({ summary: 'Replace the editable fields (editors: own schedules only)' })
  @ApiOkResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 404, 409)
  replace(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateScheduledReportDto,
  ) {
    return this.schedules.update(actor, id, toScheduleInput(body));
  }

  @Patch(':id')
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Change some editable fields (editors: own schedules only)',
    description:
      '`schedule_config`, `recipients`, `report_parameters` and `delivery_options` are replaced whole.',
  })
  @ApiOkResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 404, 409)
  patch(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PatchScheduledReportDto,
  ) {
    return this.schedules.update(actor, id, toScheduleChanges(body));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRole('editor')
  @ApiOperation({ summary: 'Delete a schedule (soft: its history stays readable to admins)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    await this.schedules.remove(actor, id);
  }

  @Post(':id/pause')
  @HttpCode(HttpStatus.OK)
  @RequireRole('editor')
  @ApiOperation({ summary: 'Pause: no runs until resumed (pausing a paused schedule is a no-op)' })
  @ApiOkResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 404, 409)
  pause(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.pause(actor, id);
  }

  @Post(':id/resume')
  @HttpCode(HttpStatus.OK)
  @RequireRole('editor')
  @ApiOperation({ summary: 'Resume: the next run is computed from now; missed slots are not run' })
  @ApiOkResponse({ type: ScheduledReportDto })
  @ApiErrors(400, 404, 409)
  resume(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.resume(actor, id);
  }

  @Get(':id/next-runs')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'The next runs, in UTC and local time, with notes where rules moved them',
  })
  @ApiOkResponse({ type: NextRunsDto })
  @ApiErrors(400, 404)
  nextRuns(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: NextRunsQueryDto,
  ) {
    return this.schedules.nextRunsOf(actor, id, query.count);
  }
}
