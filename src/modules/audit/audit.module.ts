import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessDenialMiddleware } from './access-denial.middleware';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditLog } from './entities/audit-log.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuditLog])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService],
  // The repository too: erasure (anonymizeActor) and retention (deleteOlderThan) are built on it.
  exports: [AuditService, AuditRepository],
})
export class AuditModule implements NestModule {
  // Every route of the HTTP app: denials are recorded wherever they are answered.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AccessDenialMiddleware).forRoutes('*');
  }
}
