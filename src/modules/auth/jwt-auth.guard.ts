import {
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC_KEY } from 'src/common/auth/auth.decorators';
import { DomainError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { UNAUTHENTICATED_MESSAGE } from 'src/common/errors/public-messages';
import { TokenRefusedError } from './token-refused.error';

/**
 * Global: every route needs a valid bearer token unless marked @Public(). Why a token was
 * refused goes to the log under the request id; the client only learns that it was, since the
 * verifier's words ("invalid signature", "jwt expired") help whoever is forging one.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger('Auth');

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T>(
    err: unknown,
    user: T | false,
    info: unknown,
    context: ExecutionContext,
  ): T {
    if (err && !isTokenProblem(err)) throw err; // the database, not the token: not a 401
    if (err || !user) {
      const reason = describe(err) ?? describe(info) ?? 'no user';
      const requestId = context.switchToHttp().getRequest<{ id?: string }>().id ?? '-';
      this.logger.warn(`request ${requestId}: token refused: ${reason}`);
      throw new UnauthorizedException(UNAUTHENTICATED_MESSAGE);
    }
    return user;
  }
}

function isTokenProblem(error: unknown): boolean {
  return (
    error instanceof TokenRefusedError ||
    (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) ||
    (error instanceof HttpException && error.getStatus() === HttpStatus.UNAUTHORIZED)
  );
}

function describe(value: unknown): string | null {
  if (value instanceof Error) return value.message.slice(0, 300);
  return null;
}
