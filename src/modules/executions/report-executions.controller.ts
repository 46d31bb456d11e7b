import {
  Controller,
  Get,
  Inject,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Sse,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { STORAGE_DRIVER, StorageDriver } from 'src/modules/storage/storage-driver';
import { ReportExecutionDto } from './dto/report-execution.dto';
import { contentTypeOf, downloadFileName } from './execution-file-name';
import { ExecutionStatusStream } from './execution-status.stream';
import { ExecutionsService } from './executions.service';

@ApiTags('report-executions')
@Controller('report-executions')
export class ReportExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly statusStream: ExecutionStatusStream,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One execution with its deliveries' })
  @ApiOkResponse({ type: ReportExecutionDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.executions.get(actor, id);
  }

  @Get(':id/download')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Download the generated file',
    description:
      "Needs the report type's permission. 409 while it is not completed, 410 after retention deleted it.",
  })
  @ApiProduces(
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/pdf',
  )
  @ApiOkResponse({ description: 'The file, streamed, as an attachment' })
  @ApiErrors(400, 404, 409)
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<StreamableFile> {
    const { execution, scheduleName, timezone } = await this.executions.loadDownloadable(actor, id);
    const fileKey = execution.file_key as string;
    const { stream, size } = await this.storage.get(fileKey);
    const name = downloadFileName(scheduleName, execution.scheduled_for, timezone, fileKey);
    return new StreamableFile(stream, {
      type: contentTypeOf(fileKey),
      length: size,
      disposition: `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  }

  @Sse(':id/events')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Server-Sent Events of status changes',
    description:
      'Sends the current status first, then every change; ends after completed or failed.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'data: {"execution_id","status","at",...}' })
  @ApiErrors(400, 404)
  async events(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<Observable<MessageEvent>> {
    await this.executions.load(actor, id);
    return this.statusStream.open(actor, id);
  }
}
