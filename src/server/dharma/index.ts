/**
 * The Dharma domain, composed: content filter and citation checks on the message pipeline,
 * automatic replies and review marks as reactions, merit at chat close, and reloading on every
 * node when an admin changes something. `app.ts` builds it with `createDharma` and one line.
 */
import { join } from 'node:path';
import type { Bus } from '../bus/bus';
import type { ChatEvents } from '../chat/chat-events';
import type { ChatService } from '../chat/chat-service';
import type { MessagePipeline } from '../chat/pipeline';
import type { ContentCheck, Reaction } from '../chat/pipeline-types';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { EventHub } from '../events/hub';
import { AutoReplies, DEFAULT_AUTO_REPLY_OPTIONS, type AutoReplyOptions } from './auto-replies';
import { readShippedSutras } from './citations/catalog';
import { corpusFolder, DEFAULT_CORPUS, type CorpusSetting } from './citations/corpus-source';
import { CitationService } from './citations/service';
import { ContentFilter } from './filter';
import { Merit } from './merit';
import { SHIPPED_DATA_DIR } from './paths';
import { Reviews } from './reviews';
import { seedTerms } from './terms/store';
import { bumpVersion, VersionWatcher, type DharmaArea } from './versions';

export interface DharmaDeps {
  db: Db;
  bus: Bus;
  chats: ChatService;
  events: ChatEvents;
  /** Publishes the domain events the Dharma domain records (merit awards). */
  hub: EventHub;
  pipeline: MessagePipeline;
  clock: Clock;
  log: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
}

export interface DharmaOptions {
  dataDir?: string;
  autoReplies?: Partial<AutoReplyOptions>;
  /** How often every node looks for admins' changes made on other nodes. */
  pollMs?: number;
  /** The sutra corpus citations are verified against (`LOTUSDESK_SUTRA_CORPUS`; default the canon). */
  corpus?: CorpusSetting;
  /** Where the built citation index is kept between starts (none: built at every start). */
  cacheDir?: string | null;
}

export class Dharma {
  readonly filter: ContentFilter;
  readonly citations: CitationService;
  readonly autoReplies: AutoReplies;
  readonly merit: Merit;
  readonly reviews: Reviews;
  private readonly watcher: VersionWatcher;
  private ready: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: DharmaDeps,
    private readonly opts: DharmaOptions = {},
  ) {
    const dataDir = opts.dataDir ?? SHIPPED_DATA_DIR;
    this.filter = new ContentFilter(deps.db);
    this.citations = new CitationService(deps.db, corpusFolder(opts.corpus ?? DEFAULT_CORPUS, dataDir), opts.cacheDir ?? null);
    this.autoReplies = new AutoReplies(
      { db: deps.db, citations: this.citations, chats: deps.chats, clock: deps.clock, post: (input) => deps.pipeline.postAutomatic(input), log: deps.log },
      { ...DEFAULT_AUTO_REPLY_OPTIONS, ...opts.autoReplies },
    );
    this.merit = new Merit({ db: deps.db, bus: deps.bus, hub: deps.hub, chats: deps.chats, events: deps.events, clock: deps.clock, log: deps.log });
    this.reviews = new Reviews(deps.db);
    this.watcher = new VersionWatcher(deps.db, (area) => this.reloadArea(area), deps.log);
  }

  /** The database the domain's routes read (term and allow-list administration). */
  get db(): Db {
    return this.deps.db;
  }

  /**
   * Plugs its checks into the pipeline, then loads (seeding the shipped lists into a fresh
   * database takes seconds) and resolves when loaded, so a server listens with its filter ready.
   * Checks, reactions and routes also wait for the load themselves: nothing is ever judged by a
   * half-loaded filter. A failed load is logged; checks then refuse with `internal`.
   */
  async start(): Promise<void> {
    const { pipeline, log } = this.deps;
    this.ready = this.load();
    this.ready.catch((err) => log.error({ err }, 'dharma: loading failed; checks refuse messages with internal until restart'));
    const afterLoad = (c: ContentCheck): ContentCheck => ({
      name: c.name,
      check: async (draft) => {
        await this.ready;
        return c.check(draft);
      },
    });
    pipeline.addCheck(afterLoad(this.filter.asContentCheck()));
    pipeline.addCheck(afterLoad(this.citations.asContentCheck()));
    this.merit.start();
    await this.ready.catch(() => {});
  }

  /** The domain's reactions to stored messages (declared in events/listeners.ts). */
  get reviewsReaction(): Reaction {
    return this.reviews.asReaction();
  }

  /** Keyword replies, once the rules are loaded. */
  get autoReplyReaction(): Reaction {
    const replies = this.autoReplies.asReaction();
    return {
      name: replies.name,
      afterStored: async (message, ctx) => {
        await this.ready;
        return replies.afterStored(message, ctx);
      },
    };
  }

  /** Resolves once the shipped data is seeded and everything is loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async load(): Promise<void> {
    const { log } = this.deps;
    const started = performance.now();
    const corpus = await this.citations.seed();
    if (corpus.added || corpus.updated || corpus.removed) log.info(corpus, 'dharma: sutra corpus updated');
    await this.citations.reload();
    if (this.citations.lastLoad) log.info({ ms: Math.round(this.citations.lastLoad.ms), from: this.citations.lastLoad.from }, 'dharma: citation index ready');
    // Terms found in the eight core sutras are curated out of the shipped lists (see terms/prepare.ts).
    const dataDir = this.opts.dataDir ?? SHIPPED_DATA_DIR;
    const seeded = await seedTerms(this.deps.db, join(dataDir, 'terms'), readShippedSutras(join(dataDir, 'sutras')).map((d) => d.content));
    await Promise.all([this.filter.reload(), this.autoReplies.seed().then(() => this.autoReplies.reload())]);
    if (seeded.seeded) log.info({ terms: seeded.terms, curated: seeded.curated }, 'dharma: shipped term lists loaded');
    await this.watcher.prime();
    if (!this.stopped) this.watcher.start(this.opts.pollMs ?? 2000);
    log.info({ ms: Math.round(performance.now() - started), terms: this.filter.size }, 'dharma: ready');
  }

  /** Records an admin's change: bumps the area's version (other nodes poll it) and reloads here now. */
  async changed(area: DharmaArea): Promise<void> {
    await this.ready;
    const version = await bumpVersion(this.deps.db, area);
    await this.reloadArea(area);
    this.watcher.mark(area, version);
  }

  /** Stops polling and listening; waits for a load in progress (it writes to the database). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher.stop();
    await this.ready.catch(() => {});
  }

  private async reloadArea(area: DharmaArea): Promise<void> {
    if (area === 'filter') await this.filter.reload();
    else if (area === 'corpus') await this.citations.reload();
    else await this.autoReplies.reload();
  }
}
