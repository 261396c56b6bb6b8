/**
 * Legacy Office documents (.doc, .xls, .ppt) are Compound File Binary containers, which file-type
 * reports only as "cfb". The same container also carries MSI installers, so "cfb" alone is not
 * enough to accept a file: we read the container's directory and accept it only when it holds the
 * main stream of a Word, Excel or PowerPoint document ([MS-CFB] 2.2, 2.6).
 */
import type { FileHandle } from 'node:fs/promises';

export interface LegacyOffice {
  ext: 'doc' | 'xls' | 'ppt';
  mime: string;
}

const MAIN_STREAMS: Record<string, LegacyOffice> = {
  WordDocument: { ext: 'doc', mime: 'application/msword' },
  Workbook: { ext: 'xls', mime: 'application/vnd.ms-excel' },
  Book: { ext: 'xls', mime: 'application/vnd.ms-excel' },
  'PowerPoint Document': { ext: 'ppt', mime: 'application/vnd.ms-powerpoint' },
};

const MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const END_OF_CHAIN = 0xfffffffe;

async function readAt(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/** Which legacy Office document a CFB file is, or null (not CFB, another CFB use, or malformed). */
export async function detectLegacyOffice(file: FileHandle): Promise<LegacyOffice | null> {
  const header = await readAt(file, 0, 512);
  if (header.length < 512 || !header.subarray(0, 8).equals(MAGIC)) return null;
  const sectorShift = header.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return null;
  const sectorSize = 1 << sectorShift;
  const fatSectors = header.readUInt32LE(0x2c);
  let sector = header.readUInt32LE(0x30);
  // The first 109 FAT sector numbers sit in the header; documents of chat-upload size fit in them.
  const difat: number[] = [];
  for (let i = 0; i < Math.min(fatSectors, 109); i++) difat.push(header.readUInt32LE(0x4c + i * 4));
  const perFatSector = sectorSize / 4;
  const sectorOffset = (n: number) => (n + 1) * sectorSize;

  // A crafted file may chain the directory into a loop: each sector is read at most once.
  const visited = new Set<number>();
  while (sector !== END_OF_CHAIN) {
    if (sector > 0xfffffffa || visited.has(sector)) return null;
    visited.add(sector);
    const dir = await readAt(file, sectorOffset(sector), sectorSize);
    if (dir.length < sectorSize) return null;
    for (let off = 0; off + 128 <= dir.length; off += 128) {
      const nameBytes = dir.readUInt16LE(off + 0x40);
      const type = dir[off + 0x42];
      if (type !== 2 || nameBytes < 2 || nameBytes > 64) continue; // 2 = stream object
      const name = dir.subarray(off, off + nameBytes - 2).toString('utf16le');
      const found = MAIN_STREAMS[name];
      if (found) return found;
    }
    const fatSector = difat[Math.floor(sector / perFatSector)];
    if (fatSector === undefined) return null;
    const entry = await readAt(file, sectorOffset(fatSector) + (sector % perFatSector) * 4, 4);
    if (entry.length < 4) return null;
    sector = entry.readUInt32LE(0);
  }
  return null;
}
