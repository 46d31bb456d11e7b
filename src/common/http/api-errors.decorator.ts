import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

type DocumentedError = 400 | 404 | 409 | 429;

const DESCRIPTIONS: Record<DocumentedError, string> = {
  400: 'Validation failed; `message` lists every problem',
  404: 'No such resource in your organization',
  409: 'The resource is in a state that does not allow this',
  429: 'Rate limit hit; see the Retry-After header',
};

const FACTORIES = {
  400: ApiBadRequestResponse,
  404: ApiNotFoundResponse,
  409: ApiConflictResponse,
  429: ApiTooManyRequestsResponse,
};

/** Documents the error responses a route can give, with the shared error body. */
export function ApiErrors(...statuses: DocumentedError[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      FACTORIES[status]({ description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
}
