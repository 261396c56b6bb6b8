/** The OpenAPI document names the API-key scheme, and the scope needed, on every route that accepts keys. */
import type { FastifyInstance } from 'fastify';

/** Adds the `apiKey` security scheme to routes declared with `config.apiKeyScope` (call before routes register). */
export function documentApiKeyScopes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const scope = route.config?.apiKeyScope;
    if (!scope) return;
    const schema = (route.schema ??= {}) as { security?: Array<Record<string, string[]>>; description?: string };
    schema.security = [...(schema.security ?? [{ bearer: [] }]), { apiKey: [scope] }];
    schema.description = `${schema.description ? `${schema.description}\n\n` : ''}API keys need the scope \`${scope}\`.`;
  });
}
