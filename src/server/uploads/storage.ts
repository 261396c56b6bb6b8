/**
 * Upload files on disk. Names are generated (the attachment id), spread over 256 sub-directories;
 * the user's file name never reaches the file system. A file is written to `tmp/` first and only
 * moved into place once it has passed every check, so a refused or interrupted upload leaves
 * nothing behind in the store.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Thrown by `receive` when the incoming stream itself fails (malformed multipart, client gone). */
export class BrokenUpload extends Error {}

/** Thrown by `receive` when the stream carries more than the limit. */
export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`upload exceeds ${maxBytes} bytes`);
  }
}

// Temp files older than this are leftovers of a crash; younger ones may be another node's upload.
const STALE_TEMP_MS = 3600_000;

export class UploadStorage {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, 'tmp');
  }

  /** Creates the directories and removes stale temp files. */
  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }

  /** The storage key of an attachment's file (or of a variant such as its thumbnail). */
  keyFor(id: string, variant = ''): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not an attachment id: ${id}`);
    return `${id.slice(0, 2)}/${id}${variant}`;
  }

  /** The absolute path of a key; refuses any key that would leave the upload directory. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key escapes the upload directory: ${key}`);
    return path;
  }

  /**
   * Streams `source` into a new temp file, aborting as soon as it passes `maxBytes` (the partial
   * file is deleted and TooLarge thrown). A failing source throws BrokenUpload; disk errors pass
   * through as they are. Returns the temp path and the byte count.
   */
  async receive(source: Readable, maxBytes: number): Promise<{ path: string; size: number }> {
    const path = join(this.tmpDir, `${crypto.randomUUID()}.part`);
    let size = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) done(new TooLarge(maxBytes));
        else done(null, chunk);
      },
    });
    let sourceFailed = false;
    source.once('error', () => (sourceFailed = true));
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(source, limiter, file);
      return { path, size };
    } catch (err) {
      // A source that fails at once can beat the file's own open: wait until the stream has
      // opened and closed the file, or the delete would run first and leave an empty part behind.
      if (!file.closed) await once(file, 'close').catch(() => {});
      await rm(path, { force: true });
      if (err instanceof TooLarge) throw err;
      // `errored` covers a source that failed before we started listening (the request ended early).
      if (sourceFailed || source.errored) throw new BrokenUpload((err as Error).message);
      throw err;
    }
  }

  /** Moves a checked temp file to its key. */
  async place(tempPath: string, key: string): Promise<string> {
    const dest = this.pathOf(key);
    await mkdir(join(dest, '..'), { recursive: true });
    await rename(tempPath, dest);
    return dest;
  }

  /** Makes the directory of a key exist and returns the key's path (for writers such as sharp). */
  async prepare(key: string): Promise<string> {
    const dest = this.pathOf(key);
    await mkdir(join(dest, '..'), { recursive: true });
    return dest;
  }

  /** Deletes files by path; missing files are fine. */
  async remove(...paths: Array<string | null | undefined>): Promise<void> {
    await Promise.all(paths.filter((p): p is string => !!p).map((p) => rm(p, { force: true })));
  }
}
