import type { Response } from 'superagent';
import { TestMember, tokenFor } from 'test/factories';
import type { TestApp } from './test-app';

/** supertest calls authenticated as one member. */
export function clientFor(t: TestApp, member: TestMember) {
  const auth = { Authorization: `Bearer ${tokenFor(member)}` };
  return {
    get: (url: string) => t.http().get(url).set(auth),
    post: (url: string, body: object = {}) => t.http().post(url).set(auth).send(body),
    put: (url: string, body: object) => t.http().put(url).set(auth).send(body),
    patch: (url: string, body: object) => t.http().patch(url).set(auth).send(body),
    delete: (url: string) => t.http().delete(url).set(auth),
  };
}

/** A supertest body parser that keeps the raw bytes (files, event streams). */
export function rawBody(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
