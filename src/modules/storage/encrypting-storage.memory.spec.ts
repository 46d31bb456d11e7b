import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EncryptingStorageDriver } from './encrypting-storage.driver';
import { LocalStorageDriver } from './local-storage.driver';

const TOTAL = 200 * 1024 * 1024;
const LIMIT = 100 * 1024 * 1024;
const KEY = 'org/0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11/executions/big.csv';

/** TOTAL bytes made on demand as views of one 1 MiB block, so the source holds no memory. */
function generated(): { stream: Readable; sha256: () => string } {
  const block = randomBytes(1024 * 1024 + 4096);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= TOTAL) return void this.push(null);
      const size = Math.min(TOTAL - sent, 61_440 + (sent % 4096));
      const chunk = block.subarray(sent % 4096, (sent % 4096) + size);
      hash.update(chunk);
      sent += size;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

// Its own file, so the measurement runs in a fresh jest worker.
describe('EncryptingStorageDriver memory', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'encrypted-memory-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('streams 200 MB through put and get with RSS growing by less than 100 MB', async () => {
    const driver = new EncryptingStorageDriver(new LocalStorageDriver(root), randomBytes(32));
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    try {
      const input = generated();
      const stored = await driver.put(KEY, input.stream);
      expect(stored.size).toBe(TOTAL);
      expect(stored.sha256).toBe(input.sha256());

      const { stream, size } = await driver.get(KEY);
      expect(size).toBe(TOTAL);
      const hash = createHash('sha256');
      let read = 0;
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            read += chunk.length;
            done();
          },
        }),
      );
      expect(read).toBe(TOTAL);
      expect(hash.digest('hex')).toBe(stored.sha256);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    console.info(`RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MB while streaming 200 MB`);
    expect(growth).toBeLessThan(LIMIT);
  }, 120_000);
});
