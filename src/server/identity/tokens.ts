/** JWT HS256 tokens as the shop signs them: claims sub, role, name, exp. */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, type Role } from '../../shared/protocol';
import { AppError } from '../http/errors';

/** C0 and C1 control characters and DEL: dropped from display names. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

export interface TokenClaims {
  sub: string;
  role: Role;
  name: string;
}

/** Verifies and signs tokens with one shared secret. */
export class TokenService {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Returns the claims of a valid token, or throws AppError('unauthenticated'). */
  async verify(token: string | undefined | null): Promise<TokenClaims> {
    if (!token || typeof token !== 'string') throw new AppError('unauthenticated');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] }));
    } catch (err) {
      const reason = err instanceof joseErrors.JWTExpired ? 'expired' : 'bad_token';
      throw new AppError('unauthenticated', { reason });
    }
    const { sub, role, name } = payload;
    // The subject is an identity, never rewritten into another's: one holding U+0000 (which no database text can store) is refused.
    if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128 || sub.includes('\u0000')) throw new AppError('unauthenticated', { reason: 'bad_sub' });
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new AppError('unauthenticated', { reason: 'unknown_role' });
    // A display name is shown, not matched: control characters (U+0000 cannot even be stored) are dropped.
    const cleanName = typeof name === 'string' ? name.replace(CONTROLS, '').trim() : '';
    const displayName = cleanName ? cleanName.slice(0, 100) : sub;
    return { sub, role: role as Role, name: displayName };
  }

  /** Signs a token (dev login, tests, benchmarks). */
  async sign(claims: TokenClaims, ttlSeconds = 12 * 3600): Promise<string> {
    return new SignJWT({ role: claims.role, name: claims.name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }
}
