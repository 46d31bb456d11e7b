import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from 'src/domain/vocabulary';
import { Actor, hasRole } from 'src/common/auth/actor';
import { IS_PUBLIC_KEY, MIN_ROLE_KEY } from 'src/common/auth/auth.decorators';

/** Global: enforces @RequireRole(); a route without it still needs at least `viewer`. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const minimum = this.reflector.getAllAndOverride<Role>(MIN_ROLE_KEY, targets) ?? 'viewer';
    const actor = context.switchToHttp().getRequest<{ user: Actor }>().user;
    if (!hasRole(actor, minimum)) {
      throw new ForbiddenException(`This needs the ${minimum} role or above`);
    }
    return true;
  }
}
