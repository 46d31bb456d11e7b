import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { PaginatedResponseDto } from 'src/common/http/paginated-response.dto';
import { PaginationQueryDto } from 'src/common/http/pagination-query.dto';
import { ReportExecutionDto } from './dto/report-execution.dto';
import { RunScheduleDto } from './dto/run-schedule.dto';
import { ExecutionsService } from './executions.service';

@ApiTags('scheduled-reports')
@Controller('scheduled-reports')
export class ScheduleExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post(':id/run')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Run now (high priority)',
    description:
      'Answers 202 with the new execution, or with the one already pending or running for this schedule ' +
      '(then with `Location` of that one and no new run). Accepted even while Redis is down: the run is ' +
      'queued as soon as it is back. `as_of` re-runs the period of the latest slot at or before it.',
  })
  @ApiAcceptedResponse({ type: ReportExecutionDto })
  @ApiErrors(400, 404, 429)
  async run(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RunScheduleDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReportExecutionDto> {
    const { execution } = await this.executions.runNow(
      actor,
      id,
      body.as_of ? new Date(body.as_of) : undefined,
    );
    res.setHeader('Location', `/api/report-executions/${execution.id}`);
    return execution;
  }

  @Get(':id/executions')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Execution history of a schedule, newest first' })
  @ApiOkResponse({ type: PaginatedResponseDto(ReportExecutionDto) })
  @ApiErrors(400, 404)
  history(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PaginationQueryDto,
  ) {
    return this.executions.listForSchedule(actor, id, query.page, query.limit);
  }
}
