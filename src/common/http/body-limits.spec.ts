import { HttpException } from '@nestjs/common';
import { bodyParserErrorToHttp, jsonBodyProblem, urlProblem, verifyJsonBody } from './body-limits';

describe('jsonBodyProblem', () => {
  it('passes ordinary JSON, brackets and escapes inside strings included', () => {
    expect(
      jsonBodyProblem('{"a":[1,{"b":"[[[{{{"}],"c":"\\\\u0000 is text","d":"\\u00e9"}'),
    ).toBeNull();
    expect(jsonBodyProblem(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeNull();
  });

  it('refuses nesting deeper than the limit', () => {
    expect(jsonBodyProblem(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(
      'is nested deeper than 64 levels',
    );
    expect(jsonBodyProblem('{"a":'.repeat(100_000))).toBe('is nested deeper than 64 levels');
  });

  it('refuses a NUL in any string, escaped or raw', () => {
    expect(jsonBodyProblem('{"name":"a\\u0000b"}')).toMatch(/NUL/);
    expect(jsonBodyProblem('{"a\\u0000":1}')).toMatch(/NUL/);
    expect(jsonBodyProblem('{"name":"a\u0000b"}')).toMatch(/NUL/);
  });
});

describe('verifyJsonBody', () => {
  it('takes UTF-8 only', () => {
    expect(() => verifyJsonBody(null, null, Buffer.from('{}'), 'utf-8')).not.toThrow();
    expect(() => verifyJsonBody(null, null, Buffer.from('{}'), 'utf-16')).toThrow(
      expect.objectContaining({ status: 415, type: 'charset.unsupported' }),
    );
  });
});

describe('bodyParserErrorToHttp', () => {
  const parserError = (status: number, type: string, message = 'detail "secret" at 7') =>
    Object.assign(new Error(message), { status, statusCode: status, type, expose: true });

  it.each([
    ['entity.too.large', 413, 'The request body is larger than 256 KiB'],
    ['charset.unsupported', 415, 'Unsupported charset: JSON bodies must be UTF-8'],
    [
      'encoding.unsupported',
      415,
      'Unsupported Content-Encoding: send identity, gzip, deflate or br',
    ],
    ['entity.parse.failed', 400, 'The request body is not valid JSON'],
    ['request.aborted', 400, 'The request body could not be read'],
  ])('maps %s to %s with a fixed message', (type, status, message) => {
    const mapped = bodyParserErrorToHttp(parserError(status, type)) as HttpException;
    expect(mapped).toBeInstanceOf(HttpException);
    expect(mapped.getStatus()).toBe(status);
    expect(mapped.message).toBe(message);
  });

  it('maps a 4xx without a type (a corrupt gzip stream) to a fixed message', () => {
    const corrupt = Object.assign(new Error('incorrect header check'), {
      status: 400,
      code: 'Z_DATA_ERROR',
    });
    const mapped = bodyParserErrorToHttp(corrupt) as HttpException;
    expect(mapped.getStatus()).toBe(400);
    expect(mapped.message).toBe('The request body could not be read');
  });

  it('leaves other errors alone', () => {
    const plain = new Error('boom');
    expect(bodyParserErrorToHttp(plain)).toBe(plain);
    const server = parserError(500, 'stream.encoding.set');
    expect(bodyParserErrorToHttp(server)).toBe(server);
  });
});

describe('urlProblem', () => {
  it('refuses a NUL anywhere in the URL', () => {
    expect(urlProblem('/api/members?q=a%00b')).toMatch(/NUL/);
    expect(urlProblem('/api/members?q=a\u0000b')).toMatch(/NUL/);
    expect(urlProblem('/api/members?q=a%2500b')).toBeNull();
  });
});
