/**
 * Images are never stored as uploaded: they are decoded and re-encoded with sharp, which drops
 * EXIF (GPS position, camera serial), XMP, IPTC and comments, and with them anything smuggled in
 * metadata. Orientation is applied to the pixels first so the picture still stands upright.
 */
import { availableParallelism } from 'node:os';
import sharp, { type Metadata } from 'sharp';

/** Thumbnails fit in this square; chat bubbles show them at up to half that. */
export const THUMBNAIL_PX = 320;
export const THUMBNAIL_MIME = 'image/webp';

// Decompression-bomb guard: a tiny file can declare gigapixels. 40 MP covers any phone camera.
const MAX_INPUT_PIXELS = 40_000_000;

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

/** Thrown when the bytes start like an image but do not decode as one, or declare too many pixels. */
export class UnreadableImage extends Error {
  constructor(message: string, readonly reason: 'unreadable_image' | 'image_too_large' = 'unreadable_image') {
    super(message);
  }
}

// Re-encoding is CPU-bound and runs on libuv's thread pool, which the database driver and file I/O
// share: at most this many images at a time, so a burst of photos cannot stall chat traffic.
const MAX_CONCURRENT = Math.max(1, availableParallelism() - 1);
let running = 0;
const waiting: Array<() => void> = [];

/** How many images are being re-encoded and how many wait for a slot (for tests and metrics). */
export function imageQueue(): { running: number; waiting: number; max: number } {
  return { running, waiting: waiting.length, max: MAX_CONCURRENT };
}

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // hand the slot over directly
    else running--;
  }
}

/** Writes a metadata-free, upright copy of `src` to `dest` and a WebP thumbnail to `thumbDest`. */
export function processImage(src: string, format: ImageFormat, dest: string, thumbDest: string): Promise<void> {
  return withSlot(() => reencode(src, format, dest, thumbDest));
}

async function reencode(src: string, format: ImageFormat, dest: string, thumbDest: string): Promise<void> {
  const animated = format === 'gif' || format === 'webp';
  const options = { animated, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  let meta: Metadata;
  try {
    // Header only: the pixel limit is checked below, so the refusal can say why.
    meta = await sharp(src, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new UnreadableImage((err as Error).message);
  }
  // file-type and libvips agree on the magic bytes; a disagreement means a crafted file.
  if (meta.format !== format) throw new UnreadableImage(`decoded as ${meta.format}, sniffed as ${format}`);
  // Checked from the header, before any pixel is decoded (all frames of an animation count).
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw new UnreadableImage(`${meta.width}×${meta.height} pixels`, 'image_too_large');
  try {
    // No keepMetadata()/withMetadata(): sharp writes no EXIF, XMP, IPTC or ICC unless asked.
    const image = sharp(src, options).autoOrient();
    // libjpeg-turbo, not mozjpeg: mozjpeg is about ten times slower on a large photo, paid by every
    // member who sends one, for a few percent smaller files (see docs/decisions/009).
    if (format === 'jpeg') await image.jpeg({ quality: 88 }).toFile(dest);
    else if (format === 'png') await image.png().toFile(dest);
    else if (format === 'gif') await image.gif().toFile(dest);
    else await image.webp({ quality: 88 }).toFile(dest);
    // The thumbnail is the first frame of the cleaned copy.
    await sharp(dest, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbDest);
  } catch (err) {
    throw new UnreadableImage((err as Error).message);
  }
}
