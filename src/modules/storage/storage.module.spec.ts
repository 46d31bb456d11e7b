import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { AppConfig } from 'src/config/app-config';
import { AppConfigService } from 'src/config/app-config.service';
import { EncryptingStorageDriver } from './encrypting-storage.driver';
import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver } from './s3-storage.driver';
import { STORAGE_DRIVER, StorageDriver } from './storage-driver';
import { StorageModule, createStorageDriver } from './storage.module';

describe('createStorageDriver and StorageModule', () => {
  let dir: string;
  const storage = (over: Partial<AppConfig['storage']> = {}): AppConfig['storage'] => ({
    driver: 'local',
    dir,
    s3: { forcePathStyle: false },
    ...over,
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'storage-module-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('builds the local driver on the configured folder', async () => {
    const driver = createStorageDriver(storage());
    expect(driver).toBeInstanceOf(LocalStorageDriver);
    await driver.put('a/b.csv', Readable.from(['plain']));
    expect(await readFile(path.join(dir, 'a/b.csv'), 'utf8')).toBe('plain');
  });

  it('wraps the driver in encryption when a key is set', async () => {
    const driver = createStorageDriver(storage({ encryptionKey: randomBytes(32) }));
    expect(driver).toBeInstanceOf(EncryptingStorageDriver);
    await driver.put('a/b.csv', Readable.from(['secret']));
    expect((await readFile(path.join(dir, 'a/b.csv'))).includes('secret')).toBe(false);
    expect(await text((await driver.get('a/b.csv')).stream)).toBe('secret');
  });

  it('builds the S3 driver, and insists on a bucket', () => {
    const s3 = { bucket: 'reports', endpoint: 'http://127.0.0.1:9', forcePathStyle: true };
    expect(createStorageDriver(storage({ driver: 's3', s3 }))).toBeInstanceOf(S3StorageDriver);
    expect(() =>
      createStorageDriver(storage({ driver: 's3', s3: { forcePathStyle: false } })),
    ).toThrow('S3_BUCKET');
  });

  it('provides STORAGE_DRIVER from AppConfigService', async () => {
    const config = { values: { storage: storage() } } as unknown as AppConfigService;
    @Global()
    @Module({
      providers: [{ provide: AppConfigService, useValue: config }],
      exports: [AppConfigService],
    })
    class FakeConfigModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [FakeConfigModule, StorageModule],
    }).compile();
    expect(moduleRef.get<StorageDriver>(STORAGE_DRIVER)).toBeInstanceOf(LocalStorageDriver);
    await moduleRef.close();
  });
});
