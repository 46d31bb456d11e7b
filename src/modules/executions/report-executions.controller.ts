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
  UseGuards,
} from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { Actor } from 'src/common/auth/actor';
import { CurrentActor, RequireRole } from 'src/common/auth/auth.decorators';
import { ApiErrors } from 'src/common/http/api-errors.decorator';
import { ErrorResponseDto } from 'src/common/http/error-response.dto';
import { StreamRoomGuard } from 'src/common/streams/stream-room.guard';
import { DownloadLinkDto } from './dto/download-link.dto';
import { LinksRevokedDto } from './dto/links-revoked.dto';
import { DownloadsService } from './downloads.service';
import { fileResponse } from './file-download.response';
import { ExecutionStatusStream } from './execution-status.stream';
import { ExecutionVisibleGuard } from './execution-visible.guard';

@ApiTags('report-executions')
@Controller('report-executions')
export class ReportExecutionsController {
  constructor(
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

  @Post(':id/revoke-links')
  @HttpCode(HttpStatus.OK)
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Revoke every signed link to the file',
    description:
      'Every link of this execution issued so far (by the API, in emails, in Slack) answers 410 from now on; links made afterwards work. Repeating it revokes the links made since. Editors may do this on the schedules they created, admins on any.',
  })
  @ApiOkResponse({
    type: LinksRevokedDto,
    example: {
      execution_id: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
      links_revoked_at: '2026-12-01T09:30:00.000Z',
    },
  })
  @ApiForbiddenResponse({
    description: "A viewer, or an editor on another editor's schedule",
    type: ErrorResponseDto,
    example: errorExample(
      403,
      'Forbidden',
      'FORBIDDEN',
      'editors may change only the schedules they created',
    ),
  })
  @ApiNotFoundResponse({
    description: "No such execution in your organization (another organization's id included)",
    type: ErrorResponseDto,
    example: errorExample(
      404,
      'Not Found',
      'EXECUTION_NOT_FOUND',
      'report execution 8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a not found',
    ),
  })
  @ApiErrors(400)
  revokeLinks(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<LinksRevokedDto> {
    return this.downloads.revokeLinks(actor, id);
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
  @UseGuards(ExecutionVisibleGuard, StreamRoomGuard)
  @ApiOperation({
    summary: 'Server-Sent Events of status changes',
    description:
      'Sends the current status first, then every change; ends after completed or failed, or ' +
      'when the token that opened it expires. A member may hold 5 event streams open per API ' +
      'process, these and schedule-list streams together (429 past that).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'data: {"execution_id","status","at",...}' })
  @ApiErrors(400, 404, 429)
  events(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Observable<MessageEvent> {
    return this.statusStream.open(actor, id);
  }
}

function errorExample(statusCode: number, error: string, code: string, message: string) {
  return { statusCode, error, message, code, request_id: '5d0f3c1e-8a9b-4a53-9f55-1d2c3b4a5e6f' };
}
