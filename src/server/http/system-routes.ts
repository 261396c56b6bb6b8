/** Health and readiness. */
import type { FastifyInstance } from 'fastify';

export interface ReadinessProbe {
  name: string;
  check(): Promise<boolean> | boolean;
}

/** Registers /healthz (the process answers) and /readyz (its dependencies answer). */
export async function systemRoutes(app: FastifyInstance, deps: { probes: ReadinessProbe[] }) {
  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['system'], summary: 'Readiness: database and, if configured, Redis' } }, async (_request, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    await Promise.all(
      deps.probes.map(async (p) => {
        let ok: boolean;
        try {
          ok = await p.check();
        } catch {
          ok = false;
        }
        checks[p.name] = ok ? 'ok' : 'down';
      }),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
}
