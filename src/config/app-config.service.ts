import { Injectable } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadConfig } from './load-config';

/** The one place that reads process.env; validated once at boot. */
@Injectable()
export class AppConfigService {
  readonly values: AppConfig;

  constructor() {
    this.values = loadConfig(process.env);
  }

  /** Built from an explicit environment instead of process.env (apps under test). */
  static fromEnv(env: Record<string, string | undefined>): AppConfigService {
    const service = Object.create(AppConfigService.prototype) as { values: AppConfig };
    service.values = loadConfig(env);
    return service as AppConfigService;
  }
}
