import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { imageQueue, processImage, UnreadableImage } from './images';

const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('processImage', () => {
  it('re-encodes at most a few images at a time and queues the rest', async () => {
    const src = join(dir, 'in.png');
    writeFileSync(src, await sharp({ create: { width: 900, height: 700, channels: 3, background: '#884' } }).png().toBuffer());
    const jobs = Array.from({ length: 6 }, (_, i) => processImage(src, 'png', join(dir, `out${i}`), join(dir, `thumb${i}`)));
    const q = imageQueue();
    expect(q.running).toBe(Math.min(6, q.max));
    expect(q.waiting).toBe(6 - q.running);
    await Promise.all(jobs);
    expect(imageQueue()).toMatchObject({ running: 0, waiting: 0 });
    expect((await sharp(join(dir, 'thumb5')).metadata()).width).toBe(320);
  });

  it('refuses bytes that libvips reads as another format than the sniffed one, and frees the slot', async () => {
    const src = join(dir, 'real.gif');
    writeFileSync(src, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer());
    await expect(processImage(src, 'png', join(dir, 'x'), join(dir, 'y'))).rejects.toBeInstanceOf(UnreadableImage);
    expect(imageQueue()).toMatchObject({ running: 0, waiting: 0 });
  });
});
