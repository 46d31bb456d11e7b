import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigService } from 'src/config/app-config.service';
import { dataSourceOptions } from './data-source-options';

/** The TypeORM connection; migrations run before the app boots (see run-migrations.ts). */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        ...dataSourceOptions(config.values.databaseUrl),
        migrationsRun: false,
      }),
    }),
  ],
})
export class DatabaseModule {}
