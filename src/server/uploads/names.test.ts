import { describe, expect, it } from 'vitest';
import { contentDisposition, MAX_NAME_CHARS, sanitizeName } from './names';

describe('sanitizeName', () => {
  it('keeps only the last path segment, without control, bidi or reserved characters', () => {
    expect(sanitizeName('../../etc/passwd.txt', ['txt'])).toBe('passwd.txt');
    expect(sanitizeName('C:\\Users\\lin\\報告.pdf', ['pdf'])).toBe('報告.pdf');
    expect(sanitizeName('invoice\u202Egpj.exe.pdf', ['pdf'])).toBe('invoicegpj.exe.pdf');
    expect(sanitizeName('a\r\nb\u0000c.png', ['png'])).toBe('abc.png');
    expect(sanitizeName('what?*<>|.png', ['png'])).toBe('what_____.png');
    expect(sanitizeName('...hidden.png', ['png'])).toBe('hidden.png');
  });

  it('makes the extension match the sniffed type', () => {
    expect(sanitizeName('photo.exe', ['png'])).toBe('photo.exe.png');
    expect(sanitizeName('photo.JPEG', ['jpg', 'jpeg'])).toBe('photo.jpeg');
    expect(sanitizeName('noext', ['pdf'])).toBe('noext.pdf');
    expect(sanitizeName('', ['pdf'])).toBe('file.pdf');
    expect(sanitizeName(undefined, ['png'])).toBe('file.png');
    expect(sanitizeName('../', ['txt'])).toBe('file.txt');
  });

  it('limits the length in characters, keeping the extension', () => {
    const name = sanitizeName(`${'蓮'.repeat(500)}.pdf`, ['pdf']);
    expect([...name]).toHaveLength(MAX_NAME_CHARS);
    expect(name.endsWith('蓮.pdf')).toBe(true);
    // Astral characters are not cut in half.
    expect(sanitizeName(`${'𠀀'.repeat(200)}.txt`, ['txt'])).toBe(`${'𠀀'.repeat(MAX_NAME_CHARS - 4)}.txt`);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', '蓮心 (法語).pdf')).toBe(`attachment; filename="__ (__).pdf"; filename*=UTF-8''%E8%93%AE%E5%BF%83%20%28%E6%B3%95%E8%AA%9E%29.pdf`);
    expect(contentDisposition('inline', `it's 100%.png`)).toBe(`inline; filename="it's 100_.png"; filename*=UTF-8''it%27s%20100%25.png`);
  });
});
