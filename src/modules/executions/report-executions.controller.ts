import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Post,
  Sse,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { DownloadLinkDto } from './dto/download-link.dto';
import { DownloadsService } from './downloads.service';
import { fileResponse } from './file-download.response';
import { ExecutionStatusStream } from './execution-status.stream';
import { ExecutionsService } from './executions.service';

@ApiTags('report-executions')
@Controller('report-executions')
export class ReportExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly statusStream: ExecutionStatusStream,
    private readonly downloads: DownloadsService,
  ) {}

  @Post(':id/download-link')
  @HttpCode(HttpStatus.OK)
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'A signed link to the file',
    description:
      "Anyone holding the URL may download until expires_at (the organization's link_ttl_hours). Needs the report type's permission.",
  })
  @ApiOkResponse({ type: DownloadLinkDto })
  @ApiErrors(400, 404, 409)
  downloadLink(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<DownloadLinkDto> {
    return this.downloads.createLink(actor, id);
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
    return fileResponse(await this.downloads.openForActor(actor, id));
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
