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
      'Links come from POST /api/report-executions/:id/download-link, emails and Slack messages. They are signed by a key of the ring (APP_SECRETS) and keep working after a key rotation while their key stays in the ring.',
  })
  @ApiOkResponse({ description: 'The file, streamed, as an attachment' })
  @ApiNotFoundResponse({
    description: 'Tampered or unknown link, or one signed by a key no longer in the ring',
    type: ErrorResponseDto,
    example: {
      statusCode: 404,
      error: 'Not Found',
      message: 'this download link is not valid',
      code: 'NOT_FOUND',
      request_id: '5d0f3c1e-8a9b-4a53-9f55-1d2c3b4a5e6f',
    },
  })
  @ApiGoneResponse({
    description:
      "Expired or revoked link (POST /api/report-executions/:id/revoke-links), the execution's schedule was deleted, or the file was deleted by retention",
    type: ErrorResponseDto,
    example: {
      statusCode: 410,
      error: 'Gone',
      message: 'this download link was revoked; ask for a new one',
      code: 'GONE',
      request_id: '5d0f3c1e-8a9b-4a53-9f55-1d2c3b4a5e6f',
    },
  })
  async download(@Param('token') token: string): Promise<StreamableFile> {
    return fileResponse(await this.downloads.openByToken(token));
  }
}
