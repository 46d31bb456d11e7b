import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HealthModule } from 'src/modules/health/health.module';
import { HealthService } from 'src/modules/health/health.service';
import { ReportGeneratorModule } from 'src/modules/generators/report-generator.module';
import { BrowserPool } from './browser-pool';

@Injectable()
class ChromiumReadiness implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly browsers: BrowserPool,
  ) {}

  onModuleInit(): void {
    this.health.register('chromium', () => this.browsers.probe());
  }
}

/** A worker is ready only while it can print PDFs: its /health includes the browser. */
@Module({ imports: [ReportGeneratorModule, HealthModule], providers: [ChromiumReadiness] })
export class PdfReadinessModule {}
