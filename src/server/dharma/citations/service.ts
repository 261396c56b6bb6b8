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
import { AppError } from '../../core/errors';
import { createHash } from 'node:crypto';
import type { SutraDoc } from './catalog';
import { readCorpus } from './catalog';
import { CorpusIndex } from './corpus-index';
import { loadOrBuildIndex, type LoadedIndex } from './index-cache';
import { IndexSet } from './index-set';
import { CitationVerifier, isFailing, isUnverified, type CitationResult } from './verify';

export type { NewSutra } from '../../../shared/dharma';

const STRICT_ROLES = new Set(['agent', 'master']);

export class CitationService {
  private verifier: CitationVerifier | null = null;
  private loading: Promise<void> | null = null;
  /** The configured corpus's index and the texts it was built from (kept across admins' edits). */
  private corpusIndex: { docs: SutraDoc[]; index: CorpusIndex } | null = null;
  /** How the current index was obtained (start-up log, benchmark). */
  lastLoad: Omit<LoadedIndex, 'index'> | null = null;

  /**
   * `corpus` is the folder of the configured corpus and the `source` its texts are stored with;
   * `cacheDir` keeps the built index between starts (null: build every time).
   */
  constructor(
    private readonly db: Db,
    private readonly corpus: { dir: string; source: string },
    private readonly cacheDir: string | null = null,
  ) {}

  /**
   * Makes the table hold the configured corpus: its texts are added, changed ones updated, texts
   * of another corpus (an earlier release, or the corpus an operator switched away from) removed.
   * Texts admins added stay; an admin's text keeps its id even when the corpus has the same one.
   */
  async seed(): Promise<{ added: number; updated: number; removed: number }> {
    const shipped = readCorpus(this.corpus.dir, this.corpus.source);
    const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
    return this.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE dharma_sutras IN EXCLUSIVE MODE`.execute(trx);
      const rows = await trx.selectFrom('dharma_sutras').select(['id', 'taisho', 'title', 'aliases', 'coverage', 'source', sql<string>`md5(content)`.as('hash')]).execute();
      const have = new Map(rows.map((r) => [r.id, r]));
      const wanted = new Set(shipped.map((d) => d.id));
      const added = shipped.filter((d) => !have.has(d.id));
      const updated = shipped.filter((d) => {
        const r = have.get(d.id);
        return r && r.source !== 'admin' && (r.hash !== md5(d.content) || r.title !== d.title || r.taisho !== d.taisho || r.coverage !== d.coverage || r.source !== d.source || r.aliases.join('|') !== d.aliases.join('|'));
      });
      const removed = rows.filter((r) => r.source !== 'admin' && !wanted.has(r.id)).map((r) => r.id);
      if (removed.length) await trx.deleteFrom('dharma_sutras').where('id', 'in', removed).execute();
      // One text per statement: the canon's largest text is megabytes.
      for (const d of added) await trx.insertInto('dharma_sutras').values({ ...d }).execute();
      for (const d of updated) await trx.updateTable('dharma_sutras').set({ taisho: d.taisho, title: d.title, aliases: d.aliases, coverage: d.coverage, content: d.content, source: d.source }).where('id', '=', d.id).execute();
      return { added: added.length, updated: updated.length, removed: removed.length };
    });
  }

  /** (Re)builds the index from the database (or reads it from the cache when these texts were indexed before). */
  async reload(): Promise<void> {
    const run = async () => {
      const rows = await this.db.selectFrom('dharma_sutras').selectAll().orderBy('id').execute();
      const docs: SutraDoc[] = rows.map((r) => ({ id: r.id, taisho: r.taisho, title: r.title, aliases: r.aliases, coverage: r.coverage, content: r.content, source: r.source }));
      // The corpus's texts change only with the release or the setting: its index is kept (and
      // cached on disk); admins' texts are indexed on their own, in milliseconds.
      const corpus = docs.filter((d) => d.source !== 'admin');
      const added = docs.filter((d) => d.source === 'admin');
      if (!this.corpusIndex || !sameDocs(this.corpusIndex.docs, corpus)) {
        const { index, ...how } = loadOrBuildIndex(corpus, this.cacheDir);
        this.lastLoad = how;
        this.corpusIndex = { docs: corpus, index };
      }
      this.verifier = new CitationVerifier([...corpus, ...added], new IndexSet([this.corpusIndex.index, new CorpusIndex(added)]));
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

function sameDocs(a: readonly SutraDoc[], b: readonly SutraDoc[]): boolean {
  return a.length === b.length && a.every((d, i) => d.id === b[i].id && d.title === b[i].title && d.content === b[i].content);
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
    ...(f.inCorpus === false ? { inCorpus: false } : {}),
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
    ...(r.inCorpus === false ? { inCorpus: false } : {}),
    ...(r.readings ? { readings: r.readings } : {}),
  };
}
