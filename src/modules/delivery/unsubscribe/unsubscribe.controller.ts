import { Controller, Get, Header, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from 'src/common/auth/auth.decorators';
import { ErrorResponseDto } from 'src/common/http/error-response.dto';
import { unsubscribePage } from './unsubscribe-page';
import { UnsubscribeService } from './unsubscribe.service';

/**
 * The links in every report email. GET only shows a confirmation form (mail scanners fetch
 * links, and must not unsubscribe anyone); POST, from that form or a mail client's one-click
 * button (RFC 8058), unsubscribes. No redirect, no cookie.
 */
@ApiTags('public links')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Confirmation page for an unsubscribe link; changes nothing' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page with a button that POSTs to the same URL' })
  @ApiNotFoundResponse({ description: 'Tampered or unknown link', type: ErrorResponseDto })
  async show(@Param('token') token: string): Promise<string> {
    return unsubscribePage('confirm', await this.unsubscribes.describe(token));
  }

  @Post(':token')
  @Public()
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Unsubscribe this recipient from this schedule (one-click, RFC 8058); idempotent',
    description:
      'Mail clients POST `List-Unsubscribe=One-Click` here. Later deliveries of the schedule to ' +
      'this recipient are skipped with reason `unsubscribed`, manual resends included.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page confirming the opt-out' })
  @ApiNotFoundResponse({ description: 'Tampered or unknown link', type: ErrorResponseDto })
  async unsubscribe(@Param('token') token: string): Promise<string> {
    return unsubscribePage('done', await this.unsubscribes.unsubscribe(token));
  }
}
