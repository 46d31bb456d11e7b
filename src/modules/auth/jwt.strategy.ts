import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { decode, type Algorithm } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor } from 'src/common/auth/actor';
import { AppConfigService } from 'src/config/app-config.service';
import { OrganizationsService } from 'src/modules/organizations/organizations.service';
import { DEFAULT_CLOCK_SKEW_SECONDS, parseClaims } from './parse-claims';
import { TokenRefusedError } from './token-refused.error';

const ASYMMETRIC: Algorithm[] = ['RS256', 'ES256'];

/**
 * Verifies bearer tokens: HS256 with JWT_SECRET and/or RS256/ES256 with JWT_PUBLIC_KEY.
 * The key is chosen by the token's `alg`, so an HS256 token can never be checked against
 * the public key (algorithm confusion), and `none` is never in the allowed list. The
 * configuration refuses HS256 next to a public key unless JWT_ALLOW_HS256 is set.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly maxAgeSeconds: number;

  constructor(
    config: AppConfigService,
    private readonly organizations: OrganizationsService,
  ) {
    const { secret, publicKey, issuer, audience, maxAgeSeconds } = config.values.jwt;
    const algorithms: Algorithm[] = [
      ...(secret ? (['HS256'] as Algorithm[]) : []),
      ...(publicKey ? ASYMMETRIC : []),
    ];
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      algorithms,
      issuer,
      audience,
      // nbf is judged by parseClaims, with the same clock skew as iat.
      jsonWebTokenOptions: { ignoreNotBefore: true },
      passReqToCallback: true,
      secretOrKeyProvider: (
        _req: Request,
        rawJwt: string,
        done: (err: Error | null, key?: string) => void,
      ) => {
        const alg = (decode(rawJwt, { complete: true })?.header.alg ?? '') as Algorithm;
        if (alg === 'HS256' && secret) return done(null, secret);
        if (ASYMMETRIC.includes(alg) && publicKey) return done(null, publicKey);
        return done(new Error(`token algorithm '${alg}' is not accepted`));
      },
    });
    this.maxAgeSeconds = maxAgeSeconds;
  }

  async validate(req: Request & { id?: string }, payload: Record<string, unknown>): Promise<Actor> {
    const parsed = parseClaims(payload, {
      now: Math.floor(Date.now() / 1000),
      maxAgeSeconds: this.maxAgeSeconds,
      clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS,
    });
    if ('problem' in parsed) throw new TokenRefusedError(parsed.problem);
    const { claims } = parsed;
    await this.organizations.provisionMember(claims);
    return {
      userId: claims.userId,
      orgId: claims.orgId,
      roles: claims.roles,
      permissions: claims.permissions,
      email: claims.email,
      name: claims.name,
      requestId: req.id,
      // parseClaims accepted it, so `exp` is a number of seconds; streams end then.
      tokenExpiresAt: new Date(Number(payload.exp) * 1000),
    };
  }
}
