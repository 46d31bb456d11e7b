import {
  ArgumentsHost,
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DomainError, ValidationFailedError } from './domain-error';
import { ErrorCode } from './error-codes';

function answer(exception: unknown, requestId: string | undefined = 'req-1') {
  const headers: Record<string, string> = {};
  const response = {
    headersSent: false,
    statusCode: 0,
    body: undefined as unknown,
    getHeader: (name: string) => headers[name.toLowerCase()],
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: requestId }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return { status: response.statusCode, body: response.body as Record<string, unknown>, headers };
}

describe('AllExceptionsFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps the messages written for clients (4xx)', () => {
    expect(answer(new ValidationFailedError(['name must be a string'])).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['name must be a string'],
      code: 'VALIDATION_FAILED',
      request_id: 'req-1',
    });
    expect(
      answer(new BadRequestException('page must not be greater than 1000000')).body,
    ).toMatchObject({
      message: 'page must not be greater than 1000000',
    });
  });

  it.each([
    ['an unknown error', new Error('connect ECONNREFUSED 10.0.0.5:5432'), 500, 'INTERNAL'],
    [
      'a 500 HttpException',
      new InternalServerErrorException('query failed on db-7.internal'),
      500,
      'INTERNAL',
    ],
    ['a 502 HttpException', new HttpException('upstream 10.0.0.5 refused', 502), 502, 'INTERNAL'],
    [
      'an INTERNAL DomainError',
      new DomainError(ErrorCode.INTERNAL, 'storage key org/x/y missing'),
      500,
      'INTERNAL',
    ],
    [
      'an UNAVAILABLE DomainError',
      new DomainError(ErrorCode.UNAVAILABLE, 'redis 10.0.0.9:6379 down'),
      503,
      'UNAVAILABLE',
    ],
  ])('answers %s with the request id only, and logs it', (_label, error, status, code) => {
    const { body } = answer(error);
    expect(body).toMatchObject({ statusCode: status, code, request_id: 'req-1' });
    expect(body.message).toMatch(/quote request id req-1$/);
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0|internal|org\/x|ECONNREFUSED/);
    expect(logged).toHaveBeenCalledWith('request req-1 failed', expect.anything());
  });

  it('gives every 401 the one generic message', () => {
    for (const error of [
      new UnauthorizedException('Unauthorized: invalid signature'),
      new DomainError(ErrorCode.UNAUTHENTICATED, 'jwt expired'),
    ]) {
      expect(answer(error).body).toMatchObject({
        statusCode: 401,
        message: 'Missing, invalid or expired bearer token',
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it('has codes for 413 and 415, and treats other 4xx as the request fault', () => {
    expect(answer(new HttpException('too big', 413)).body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      error: 'Payload Too Large',
    });
    expect(answer(new HttpException('charset', 415)).body).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(answer(new HttpException('method', 405)).body).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('gives an error raised before the request-id middleware an id, in the body and header', () => {
    const { body, headers } = answer(new BadRequestException('x'), undefined);
    expect(body.request_id).toEqual(expect.any(String));
    expect(headers['x-request-id']).toBe(body.request_id);
  });
});
