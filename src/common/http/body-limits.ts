import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/**
 * Request bodies are small JSON documents (a schedule with its recipients is a few KiB); 256 KiB
 * leaves room for 500 recipients and long descriptions, and keeps one request from holding
 * megabytes of a process's memory.
 */
export const BODY_LIMIT_BYTES = 256 * 1024;
export const BODY_LIMIT_TEXT = '256 KiB';

/**
 * Deeper than any body of this API (report parameters nest three levels); much deeper ones only
 * serve to make the recursive steps after parsing (transformation, validation, schema checks)
 * overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Why a JSON text must be refused before it is parsed, or null. A NUL character (`\u0000`) in
 * any string is refused because PostgreSQL cannot store it in text or jsonb: it would fail the
 * request with a database error long after validation. One pass, no parsing, no recursion.
 */
export function jsonBodyProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'contains a NUL character';
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.startsWith('u0000', i + 1)) return 'contains a NUL character (\\u0000)';
        i += 1; // the escaped character cannot end the string
      } else if (c === 0x22 /* " */) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return `is nested deeper than ${maxDepth} levels`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  return null;
}

/** An error body-parser passes on as it is: its status says 4xx, its `type` what went wrong. */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
}

const BODY_ERROR_MESSAGES: Record<string, [HttpStatus, string]> = {
  'entity.too.large': [
    HttpStatus.PAYLOAD_TOO_LARGE,
    `The request body is larger than ${BODY_LIMIT_TEXT}`,
  ],
  'parameters.too.many': [HttpStatus.PAYLOAD_TOO_LARGE, 'The form has too many parameters'],
  'charset.unsupported': [
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'Unsupported charset: JSON bodies must be UTF-8',
  ],
  'encoding.unsupported': [
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'Unsupported Content-Encoding: send identity, gzip, deflate or br',
  ],
  'entity.parse.failed': [HttpStatus.BAD_REQUEST, 'The request body is not valid JSON'],
};

/**
 * body-parser's failures as HttpExceptions with a fixed message each: its own messages quote
 * the body ("Unexpected token 'a', "abc" is not valid JSON"), and Nest would answer the ones
 * that are not JSON syntax errors (413, 415, a corrupt gzip stream) with a 500. Only errors that
 * carry a 4xx status are mapped; anything else passes through untouched.
 */
export function bodyParserErrorToHttp(error: unknown): unknown {
  if (error instanceof HttpException || typeof error !== 'object' || error === null) return error;
  const { type, status, statusCode } = error as BodyParserError;
  const code = status ?? statusCode;
  if (typeof code !== 'number' || code < 400 || code >= 500) return error;
  const known = typeof type === 'string' ? BODY_ERROR_MESSAGES[type] : undefined;
  if (known) return new HttpException(known[1], known[0]);
  if (error instanceof BodyRefusedError) return new BadRequestException(error.message);
  return new HttpException('The request body could not be read', code);
}

/** Thrown from the parser's verify hook; body-parser keeps its status (400) and type. */
export class BodyRefusedError extends Error {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly type = 'entity.refused';
}

/**
 * body-parser's verify hook for JSON: UTF-8 only (RFC 8259 §8.1; the hook sees the bytes before
 * they are decoded), then the depth and NUL checks above.
 */
export function verifyJsonBody(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (!/^utf-?8$/i.test(encoding)) {
    throw Object.assign(new Error('charset'), {
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      type: 'charset.unsupported',
    });
  }
  const problem = jsonBodyProblem(body.toString('utf8'));
  if (problem) throw new BodyRefusedError(`The JSON body ${problem}`);
}

/** Form bodies (the one-click unsubscribe POST) never carry a NUL either. */
export function verifyFormBody(_req: unknown, _res: unknown, body: Buffer): void {
  if (body.includes(0) || /%00/.test(body.toString('latin1'))) {
    throw new BodyRefusedError('The form body contains a NUL character');
  }
}

/** A NUL byte anywhere in the URL (raw or %00) is refused before routing, for the same reason. */
export function urlProblem(url: string): string | null {
  return url.includes('\u0000') || /%00/.test(url)
    ? 'The URL contains a NUL character (%00)'
    : null;
}
