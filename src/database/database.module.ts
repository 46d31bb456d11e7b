import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigService } from 'src/config/app-config.service';
import { dataSourceOptions } from './data-source-options';
import { TransactionScope } from './transaction-scope';

/**
 * The TypeORM connection, and the TransactionScope every module may use; migrations run
 * before the app boots (see run-migrations.ts).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        ...dataSourceOptions(config.values.databaseUrl, config.values.database),
        migrationsRun: false,
      }),
    }),
  ],
  providers: [TransactionScope],
  exports: [TransactionScope],
})
export class DatabaseModule {}
