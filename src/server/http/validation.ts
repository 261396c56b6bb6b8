/**
 * Request validation. Query strings and params arrive as text, so they are coerced to the
 * schema's types; JSON bodies are not: `{"text": 5}` is a wrong type, not the string "5".
 * U+0000 is refused in every string of a request: PostgreSQL text cannot hold it.
 */
import Ajv from 'ajv';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors';

/** Installs a validator compiler that coerces everything but bodies, and the U+0000 refusal. */
export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.addHook('preValidation', async (request) => {
    const field = nulField(request.params, 'params') ?? nulField(request.query, 'query') ?? nulField(request.body, '');
    if (field !== null) throw new AppError('invalid', { field, reason: 'text must not contain U+0000' });
  });
}

/** The path of the first string holding U+0000 in parsed JSON-like input (plain objects, arrays), or null. */
export function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulField(value[i], `${path}/${i}`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  // Only parsed input: an upload's Buffer or stream is not text.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [key, v] of Object.entries(value)) {
    const child = path ? `${path}/${key}` : key;
    if (key.includes('\u0000')) return child;
    const found = nulField(v, child, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
