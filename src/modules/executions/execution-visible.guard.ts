import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Actor } from 'src/common/auth/actor';
import { ValidationFailedError } from 'src/common/errors/domain-error';
import { ExecutionsService } from './executions.service';

/**
 * For Server-Sent Events: the stream's 200 and headers go out before the handler runs, so a
 * missing or another organization's execution must be refused here, as an ordinary 400/404,
 * instead of as an error event inside a 200 stream.
 */
@Injectable()
export class ExecutionVisibleGuard implements CanActivate {
  constructor(private readonly executions: ExecutionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user: Actor; params: { id?: string } }>();
    const id = request.params.id ?? '';
    if (!isUUID(id)) throw new ValidationFailedError('id must be a UUID');
    await this.executions.load(request.user, id);
    return true;
  }
}
