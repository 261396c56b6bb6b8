import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sniff } from './sniff';

const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-sniff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function sniffBytes(bytes: Buffer, name = 'x.bin') {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, bytes);
  return sniff(path, bytes.length, name);
}

/**
 * A minimal Compound File ([MS-CFB], version 3, 512-byte sectors): one FAT sector, then the
 * directory spread over as many sectors as needed (4 entries each), chained through the FAT.
 */
function compoundFile(streamNames: string[]): Buffer {
  const entries = ['Root Entry', ...streamNames];
  const dirSectors = Math.ceil(entries.length / 4);
  const buf = Buffer.alloc(512 * (2 + dirSectors), 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(buf, 0);
  buf.writeUInt16LE(0x3e, 0x18);
  buf.writeUInt16LE(3, 0x1a);
  buf.writeUInt16LE(0xfffe, 0x1c);
  buf.writeUInt16LE(9, 0x1e);
  buf.writeUInt16LE(6, 0x20);
  buf.writeUInt32LE(1, 0x2c); // one FAT sector
  buf.writeUInt32LE(1, 0x30); // directory starts at sector 1
  buf.writeUInt32LE(0xfffffffe, 0x3c);
  buf.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) buf.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = 512; // sector 0
  for (let i = 0; i < 128; i++) buf.writeUInt32LE(0xffffffff, fat + i * 4);
  buf.writeUInt32LE(0xfffffffd, fat); // sector 0 is the FAT itself
  for (let s = 1; s <= dirSectors; s++) buf.writeUInt32LE(s === dirSectors ? 0xfffffffe : s + 1, fat + s * 4);
  entries.forEach((name, i) => {
    const off = 512 * 2 + i * 128;
    const encoded = Buffer.from(`${name}\0`, 'utf16le');
    encoded.copy(buf, off);
    buf.writeUInt16LE(encoded.length, off + 0x40);
    buf[off + 0x42] = i === 0 ? 5 : 2;
  });
  return buf;
}

/** A stored (uncompressed) ZIP with the given entries. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${main}.main+xml"/></Types>`;

describe('sniff', () => {
  it('accepts legacy Word, Excel and PowerPoint by the main stream in the compound file directory', async () => {
    expect(await sniffBytes(compoundFile(['WordDocument', '1Table']), 'a.doc')).toMatchObject({ ok: true, type: { mime: 'application/msword', exts: ['doc'] } });
    expect(await sniffBytes(compoundFile(['Workbook']))).toMatchObject({ ok: true, type: { mime: 'application/vnd.ms-excel' } });
    // The main stream in a later directory sector: the FAT chain is followed.
    const late = compoundFile(['\u0005SummaryInformation', 'CompObj', 'Data', 'ObjectPool', 'x', 'PowerPoint Document']);
    expect(await sniffBytes(late)).toMatchObject({ ok: true, type: { mime: 'application/vnd.ms-powerpoint' } });
  });

  it('refuses other compound files (an MSI installer uses the same container)', async () => {
    const msi = compoundFile(['\u4840\u3f3f\u4577\u6c6c', '\u0005SummaryInformation']);
    expect(await sniffBytes(msi, 'setup.doc')).toEqual({ ok: false, reason: 'type_not_allowed', detected: 'application/x-cfb' });
    // A directory chain that loops is not followed forever.
    const loop = compoundFile(['a', 'b', 'c', 'd', 'e']);
    loop.writeUInt32LE(1, 512 + 2 * 4);
    expect(await sniffBytes(loop)).toMatchObject({ ok: false, reason: 'type_not_allowed' });
  });

  it('accepts docx and refuses macro-enabled documents', async () => {
    const docx = zip({ '[Content_Types].xml': contentTypes('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), 'word/document.xml': '<w:document/>' });
    expect(await sniffBytes(docx, 'x.docx')).toMatchObject({ ok: true, type: { kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } });
    const docm = zip({ '[Content_Types].xml': contentTypes('application/vnd.ms-word.document.macroEnabled'), 'word/document.xml': '<w:document/>' });
    expect(await sniffBytes(docm, 'x.docx')).toMatchObject({ ok: false, reason: 'type_not_allowed' });
    expect(await sniffBytes(zip({ 'evil.exe': 'MZ' }), 'x.docx')).toMatchObject({ ok: false, reason: 'type_not_allowed', detected: 'application/zip' });
  });

  it('accepts UTF-8 text only with a text name, and only ever as text/plain', async () => {
    expect(await sniffBytes(Buffer.from('\ufeff姓名,金額\n林,100\n'), 'a.CSV')).toMatchObject({ ok: true, type: { mime: 'text/plain' } });
    expect(await sniffBytes(Buffer.from('# 法語\n'), 'a.md')).toMatchObject({ ok: true });
    expect(await sniffBytes(Buffer.from('<html><script>alert(1)</script></html>'), 'a.html')).toMatchObject({ ok: false, reason: 'unknown_type' });
    // Markup in a .txt file is text: stored and served as text/plain (with nosniff), never as SVG.
    expect(await sniffBytes(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), 'a.txt')).toMatchObject({ ok: true, type: { mime: 'text/plain' } });
    expect(await sniffBytes(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.svg')).toMatchObject({ ok: false, reason: 'type_not_allowed' });
    // A multi-byte character split across read chunks is still valid text.
    const long = Buffer.from('蓮'.repeat(100_000));
    expect(await sniffBytes(long, 'long.txt')).toMatchObject({ ok: true });
    expect(await sniffBytes(Buffer.concat([long, Buffer.from([0xe8, 0x93])]), 'cut.txt')).toMatchObject({ ok: false, reason: 'not_utf8_text' });
  });
});
