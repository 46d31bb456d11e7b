import { Injectable } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadConfig } from './load-config';

/** The one place that reads process.env (HOUSE-STYLE 6); validated once at boot. */
@Injectable()
export class AppConfigService {
  readonly values: AppConfig;

  constructor() {
    this.values = loadConfig(process.env);
  }
}
