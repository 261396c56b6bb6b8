/**
 * Request validation. Query strings and params arrive as text, so they are coerced to the
 * schema's types; JSON bodies are not: `{"text": 5}` is a wrong type, not the string "5".
 */
import Ajv from 'ajv';
import type { FastifyInstance } from 'fastify';

/** Installs a validator compiler that coerces everything but bodies. */
export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}
