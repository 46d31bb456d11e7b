import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigService } from 'src/config/app-config.service';
import { pinoHttpOptions } from './pino-options';

/**
 * JSON logs (pino): one object per line with `level`, `time`, `context` and `msg`, plus the
 * request id of the HTTP request and the org, execution or delivery id of the job the line was
 * written for. main.ts installs it as Nest's logger when LOG_FORMAT is json.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        pinoHttp: pinoHttpOptions(config.values.log.level),
      }),
    }),
  ],
})
export class LoggingModule {}
