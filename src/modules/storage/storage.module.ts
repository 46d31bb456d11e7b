import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Module } from '@nestjs/common';
import path from 'node:path';
import { AppConfig } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import { EncryptingStorageDriver } from './encrypting-storage.driver';
import { LocalStorageDriver } from './local-storage.driver';
import type { S3StorageDriver } from './s3-storage.driver';
import { STORAGE_DRIVER, StorageDriver } from './storage-driver';

/**
 * Builds the configured driver, encrypted at rest when a key is set. Plain function so scripts
 * and tests get the same driver without Nest; `s3Client` overrides the S3 client settings.
 */
export function createStorageDriver(
  values: AppConfig['storage'],
  overrides: { s3Client?: Partial<S3ClientConfig> } = {},
): StorageDriver {
  const base =
    values.driver === 's3'
      ? loadS3Driver().fromConfig(values.s3, overrides.s3Client)
      : new LocalStorageDriver(path.resolve(values.dir));
  return values.encryptionKey ? new EncryptingStorageDriver(base, values.encryptionKey) : base;
}

/** The AWS SDK (~20 MB) is loaded only when the S3 driver is configured. */
function loadS3Driver(): typeof S3StorageDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for STORAGE_DRIVER=s3
  return (require('./s3-storage.driver') as typeof import('./s3-storage.driver')).S3StorageDriver;
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
