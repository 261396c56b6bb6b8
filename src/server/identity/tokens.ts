/**
 * JWT HS256 tokens as the shop signs them: claims sub, role, name, exp (and iat, iss, aud when
 * the deployment asks for them), and optionally tier (the shop's membership level).
 */
import { SignJWT, jwtVerify, errors as joseErrors, type JWTVerifyOptions } from 'jose';
import { ROLES, type Role } from '../../shared/protocol';
import { AppError } from '../core/errors';

/** C0 and C1 control characters and DEL: dropped from display names. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

export interface TokenClaims {
  sub: string;
  role: Role;
  name: string;
  /** The shop's membership level (e.g. `gold`); when present it replaces the user's tier. */
  tier?: string;
}

/** Claims of a verified token, with the moment it stops being valid. */
export interface VerifiedClaims extends TokenClaims {
  /** Epoch milliseconds: `exp`, or `iat` + the maximum age when that comes first. */
  expiresAt: number;
}

/** Optional checks beyond signature and `exp` (all off when null). */
export interface TokenPolicy {
  /** Tokens whose `iat` is older than this are refused (and then `iat` is required). */
  maxAgeSeconds: number | null;
  /** The `iss` the shop puts in its tokens. */
  issuer: string | null;
  /** The `aud` the shop addresses LotusDesk by. */
  audience: string | null;
}

const NO_POLICY: TokenPolicy = { maxAgeSeconds: null, issuer: null, audience: null };

/** Verifies and signs tokens with one shared secret. */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly options: JWTVerifyOptions;

  constructor(
    secret: string,
    private readonly policy: TokenPolicy = NO_POLICY,
  ) {
    this.key = new TextEncoder().encode(secret);
    const required = ['exp', 'sub', ...(policy.maxAgeSeconds !== null ? ['iat'] : []), ...(policy.issuer !== null ? ['iss'] : []), ...(policy.audience !== null ? ['aud'] : [])];
    this.options = {
      algorithms: ['HS256'],
      requiredClaims: required,
      ...(policy.maxAgeSeconds !== null ? { maxTokenAge: policy.maxAgeSeconds } : {}),
      ...(policy.issuer !== null ? { issuer: policy.issuer } : {}),
      ...(policy.audience !== null ? { audience: policy.audience } : {}),
    };
  }

  /** Returns the claims of a valid token, or throws AppError('unauthenticated'). */
  async verify(token: string | undefined | null): Promise<VerifiedClaims> {
    if (!token || typeof token !== 'string') throw new AppError('unauthenticated');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, this.options));
    } catch (err) {
      throw new AppError('unauthenticated', { reason: refusalReason(err) });
    }
    const { sub, role, name, exp, iat, tier } = payload;
    // The subject is an identity, never rewritten into another's: one holding U+0000 (which no database text can store) is refused.
    if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128 || sub.includes('\u0000')) throw new AppError('unauthenticated', { reason: 'bad_sub' });
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new AppError('unauthenticated', { reason: 'unknown_role' });
    // A display name is shown, not matched: control characters (U+0000 cannot even be stored) are dropped.
    const cleanName = typeof name === 'string' ? name.replace(CONTROLS, '').trim() : '';
    const displayName = cleanName ? cleanName.slice(0, 100) : sub;
    let expiresAt = (exp as number) * 1000; // jose checked that exp is a number
    if (this.policy.maxAgeSeconds !== null) expiresAt = Math.min(expiresAt, ((iat as number) + this.policy.maxAgeSeconds) * 1000);
    // A tier that is not a short string is ignored rather than refused: it is not what signs the user in.
    const tierClaim = typeof tier === 'string' && tier.trim() && tier.trim().length <= 64 ? { tier: tier.trim() } : {};
    return { sub, role: role as Role, name: displayName, ...tierClaim, expiresAt };
  }

  /** Signs a token (dev login, tests, benchmarks) that passes this service's own checks. */
  async sign(claims: TokenClaims, ttlSeconds = 12 * 3600): Promise<string> {
    let jwt = new SignJWT({ role: claims.role, name: claims.name, ...(claims.tier !== undefined ? { tier: claims.tier } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
    if (this.policy.issuer !== null) jwt = jwt.setIssuer(this.policy.issuer);
    if (this.policy.audience !== null) jwt = jwt.setAudience(this.policy.audience);
    return jwt.sign(this.key);
  }
}

/** The `details.reason` of a refused token: expired (jose says so past the maximum age too) or bad_token. */
function refusalReason(err: unknown): string {
  return err instanceof joseErrors.JWTExpired ? 'expired' : 'bad_token';
}
