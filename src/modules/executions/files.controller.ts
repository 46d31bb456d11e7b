import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import {
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from 'src/common/auth/auth.decorators';
import { ErrorResponseDto } from 'src/common/http/error-response.dto';
import { DownloadsService } from './downloads.service';
import { fileResponse } from './file-download.response';

@ApiTags('public links')
@Controller('files')
export class FilesController {
  constructor(private readonly downloads: DownloadsService) {}

  @Get(':token')
  @Public()
  @ApiOperation({
    summary: 'Download through a signed, expiring link (no JWT)',
    description:
      'Links come from POST /api/report-executions/:id/download-link, emails and Slack messages.',
  })
  @ApiOkResponse({ description: 'The file, streamed, as an attachment' })
  @ApiNotFoundResponse({ description: 'Tampered or unknown link', type: ErrorResponseDto })
  @ApiGoneResponse({
    description: 'Expired link, or the file was deleted by retention',
    type: ErrorResponseDto,
  })
  async download(@Param('token') token: string): Promise<StreamableFile> {
    return fileResponse(await this.downloads.openByToken(token));
  }
}
