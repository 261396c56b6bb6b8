/**
 * The citation service: the corpus in the database (seeded from the shipped CBETA texts, texts
 * added by admins), the verifier built over it, and the pipeline check with its policy: an agent
 * or master who misquotes is refused with the authentic passage; a member's misquote is stored
 * and marked for the agent; a sutra the corpus does not hold is never refused.
 */
import { sql } from 'kysely';
import type { NewSutra, Sutra } from '../../../shared/dharma';
import type { MessageFlag } from '../../../shared/protocol';
import type { CheckVerdict, ContentCheck } from '../../chat/pipeline-types';
import type { Db } from '../../db/database';
import { AppError } from '../../http/errors';
import type { SutraDoc } from './catalog';
import { readShippedSutras } from './catalog';
import { CitationVerifier, isFailing, isUnverified, type CitationResult } from './verify';

export type { NewSutra } from '../../../shared/dharma';

const STRICT_ROLES = new Set(['agent', 'master']);

export class CitationService {
  private verifier: CitationVerifier | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly sutrasDir: string,
  ) {}

  /** Seeds the shipped corpus into an empty table (once). */
  async seed(): Promise<SutraDoc[]> {
    const shipped = readShippedSutras(this.sutrasDir);
    await this.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE dharma_sutras IN EXCLUSIVE MODE`.execute(trx);
      const any = await trx.selectFrom('dharma_sutras').select('id').limit(1).execute();
      if (any.length || !shipped.length) return;
      await trx.insertInto('dharma_sutras').values(shipped.map((d) => ({ ...d }))).execute();
    });
    return shipped;
  }

  /** (Re)builds the index from the database. */
  async reload(): Promise<void> {
    const run = async () => {
      const rows = await this.db.selectFrom('dharma_sutras').selectAll().orderBy('id').execute();
      this.verifier = new CitationVerifier(rows.map((r) => ({ id: r.id, taisho: r.taisho, title: r.title, aliases: r.aliases, coverage: r.coverage, content: r.content, source: r.source })));
    };
    this.loading = (this.loading ?? Promise.resolve()).then(run, run);
    return this.loading;
  }

  /** The loaded verifier (waits for the first load). */
  async ready(): Promise<CitationVerifier> {
    if (!this.verifier) await (this.loading ?? this.reload());
    return this.verifier!;
  }

  /** Detects and verifies every citation in a text. */
  async verifyText(text: string): Promise<CitationResult[]> {
    return (await this.ready()).verifyText(text);
  }

  /** The texts of the corpus (without their content). */
  async list(): Promise<Sutra[]> {
    const rows = await this.db
      .selectFrom('dharma_sutras')
      .select(['id', 'taisho', 'title', 'aliases', 'coverage', 'source', 'created_at', sql<number>`char_length(content)`.as('length')])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, taisho: r.taisho, title: r.title, aliases: r.aliases, coverage: r.coverage, source: r.source, length: Number(r.length), createdAt: r.created_at.toISOString() }));
  }

  /** Adds a text to the corpus (admins); an existing id is a conflict. */
  async add(input: NewSutra): Promise<void> {
    const r = await this.db
      .insertInto('dharma_sutras')
      .values({ id: input.id, taisho: input.taisho ?? null, title: input.title, aliases: input.aliases ?? [], coverage: input.coverage ?? 'full', content: input.content, source: 'admin' })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (!r.numInsertedOrUpdatedRows) throw new AppError('conflict', { id: input.id, reason: 'a text with this id exists' }, `經文 ${input.id} 已存在。`);
  }

  /** Removes a text that an admin added (the shipped corpus stays). */
  async remove(id: string): Promise<void> {
    const r = await this.db.deleteFrom('dharma_sutras').where('id', '=', id).where('source', '=', 'admin').executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found', { id });
  }

  /** The pipeline check. */
  asContentCheck(): ContentCheck {
    return {
      name: 'dharma.citations',
      check: async (draft): Promise<CheckVerdict> => {
        const verifier = await this.ready();
        if (!verifier.detector.mayQuote(draft.text)) return { ok: true };
        // One connection's messages are checked one after another in microtasks: without a turn of
        // the event loop between them, a burst of quoting messages would run as one long task.
        await new Promise((resolve) => setImmediate(resolve));
        const results = verifier.verifyText(draft.text);
        if (!results.length) return { ok: true };
        const failing = results.filter(isFailing);
        if (failing.length && STRICT_ROLES.has(draft.senderRole)) {
          const f = failing[0];
          return { ok: false, refusal: { code: 'unverified_citation', message: '', details: refusalDetails(f, results) } };
        }
        // Citations past the per-message bound were not checked: stored, and marked for staff.
        const flags: MessageFlag[] = results.map((r) => ({ kind: isUnverified(r) ? 'unverified_citation' : 'citation', detail: flagDetail(r) }));
        return { ok: true, flags };
      },
    };
  }
}

/** What an agent sees when a misquote is refused: the sutra and the authentic passage. */
export function refusalDetails(f: CitationResult, all: CitationResult[]): Record<string, unknown> {
  return {
    sutra: f.sutra?.title ?? f.claimed,
    taisho: f.sutra?.taisho ?? null,
    quote: f.quote,
    status: f.status,
    closestPassage: f.passage ?? null,
    distance: f.distance ?? null,
    ...(f.foundIn ? { foundIn: f.foundIn } : {}),
    citations: all.map(flagDetail),
  };
}

function flagDetail(r: CitationResult): Record<string, unknown> {
  return {
    status: r.status,
    claimed: r.claimed,
    quote: r.quote,
    sutra: r.sutra?.title ?? null,
    sutraId: r.sutra?.id ?? null,
    taisho: r.sutra?.taisho ?? null,
    ...(r.passage ? { passage: r.passage } : {}),
    ...(r.distance !== undefined ? { distance: r.distance } : {}),
    ...(r.foundIn ? { foundIn: r.foundIn } : {}),
  };
}
