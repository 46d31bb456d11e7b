import { Module } from '@nestjs/common';
import path from 'node:path';
import { AppConfig } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import { LocalStorageDriver } from './local-storage.driver';
import { STORAGE_DRIVER, StorageDriver } from './storage-driver';

/** Builds the configured driver; also used by scripts and tests without Nest. */
export function createStorageDriver(values: AppConfig['storage']): StorageDriver {
  if (values.driver === 's3') {
    throw new Error('STORAGE_DRIVER=s3 is not available yet in this build; use local');
  }
  return new LocalStorageDriver(path.resolve(values.dir));
}

@Module({
  providers: [
    {
      provide: STORAGE_DRIVER,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => createStorageDriver(config.values.storage),
    },
  ],
  exports: [STORAGE_DRIVER],
})
export class StorageModule {}
