import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Role } from 'src/domain/vocabulary';
import { ErrorResponseDto } from 'src/common/http/error-response.dto';
import { Actor } from './actor';

export const IS_PUBLIC_KEY = 'auth:public';
export const MIN_ROLE_KEY = 'auth:min-role';

/** Opts a route out of the global JWT guard (health, metrics, signed-link routes). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** Declares the weakest role allowed, and documents bearer auth, 401 and 403 in Swagger. */
export function RequireRole(role: Role) {
  return applyDecorators(
    SetMetadata(MIN_ROLE_KEY, role),
    ApiBearerAuth(),
    // Machine-readable for clients and the security suite, which tries each route with less.
    ApiExtension('x-required-role', role),
    ApiUnauthorizedResponse({
      description: 'Missing, invalid or expired token',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({ description: `Needs role ${role} or above`, type: ErrorResponseDto }),
  );
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<{ user: Actor }>();
  return request.user;
});
