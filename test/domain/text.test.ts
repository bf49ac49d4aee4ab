import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BIDI_MESSAGE, CONTROL_MESSAGE, INVISIBLE_MESSAGE, characterCount, normaliseText } from '../../src/domain/text.js';

describe('normaliseText', () => {
  it('keeps ordinary Japanese text as typed and composes it to NFC', () => {
    expect(normaliseText('田野浦校区・西戸畑地区（ふれあい）', 'line')).toEqual({ ok: true, value: '田野浦校区・西戸畑地区（ふれあい）' });
    // か + combining dakuten → が; e + combining grave → è
    expect(normaliseText('\u304b\u3099いご', 'line')).toEqual({ ok: true, value: 'がいご' });
    expect(normaliseText('cafe\u0301', 'multiline')).toEqual({ ok: true, value: 'café' });
    expect(normaliseText('髙﨑・𠮷野家', 'line')).toEqual({ ok: true, value: '髙﨑・𠮷野家' });
  });

  it('turns CRLF and CR into LF in multi-line text and allows tabs and line feeds there', () => {
    expect(normaliseText('行1\r\n行2\r行3\n\t字下げ', 'multiline')).toEqual({ ok: true, value: '行1\n行2\n行3\n\t字下げ' });
  });

  it('refuses C0 and C1 control characters and DEL, everywhere', () => {
    for (const s of ['a\u0000b', '\u0007ベル', '\u001b[31m赤い文字\u001b[0m', 'x\u007f', 'x\u0085', 'x\u009b', 'x\u000by', 'x\u000cy']) {
      expect(normaliseText(s, 'line'), JSON.stringify(s)).toEqual({ ok: false, message: CONTROL_MESSAGE });
      expect(normaliseText(s, 'multiline'), JSON.stringify(s)).toEqual({ ok: false, message: CONTROL_MESSAGE });
    }
  });

  it('refuses tab, line feed and carriage return inside one-line fields, and drops them (and spaces) around the text', () => {
    for (const s of ['a\tb', 'a\nb', 'a\r\nb', 'a\rb', 'a\u2028b', 'a\u2029b'])
      expect(normaliseText(s, 'line')).toEqual({ ok: false, message: CONTROL_MESSAGE });
    expect(normaliseText(' \t東一校区\t\r\n\u3000', 'line')).toEqual({ ok: true, value: '東一校区' });
    // …but a byte-order mark at either end is reported, not silently dropped as trim() would.
    expect(normaliseText('\ufeff東一校区', 'line')).toEqual({ ok: false, message: INVISIBLE_MESSAGE });
    expect(normaliseText(' 東一校区\ufeff ', 'line')).toEqual({ ok: false, message: INVISIBLE_MESSAGE });
  });

  it('refuses bidirectional overrides and isolates everywhere', () => {
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(normaliseText(`市社協 山田${c}（者理管）`, 'line')).toEqual({ ok: false, message: BIDI_MESSAGE });
      expect(normaliseText(`本文${c}です`, 'multiline')).toEqual({ ok: false, message: BIDI_MESSAGE });
    }
  });

  it('refuses direction marks and zero-width characters in one-line fields, but not in multi-line text', () => {
    for (const c of ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u061c', '\u2060', '\ufeff']) {
      expect(normaliseText(`山${c}田`, 'line'), c.codePointAt(0)!.toString(16)).toEqual({ ok: false, message: INVISIBLE_MESSAGE });
      expect(normaliseText(`山${c}田`, 'multiline').ok).toBe(true);
    }
    expect(normaliseText('\ufeff先頭にBOM', 'line')).toEqual({ ok: false, message: INVISIBLE_MESSAGE });
  });

  it('keeps a zero-width joiner that joins an emoji', () => {
    expect(normaliseText('🐱‍👤👨‍👩‍👧‍👦🇯🇵', 'line')).toEqual({ ok: true, value: '🐱‍👤👨‍👩‍👧‍👦🇯🇵' });
    expect(normaliseText('👍🏽‍👍', 'line').ok).toBe(true);
    expect(normaliseText('山\u200d👤', 'line').ok).toBe(false);
  });

  it('accepted text never contains a refused character, and is NFC (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('line' as const, 'multiline' as const), (s, kind) => {
        const r = normaliseText(s, kind);
        if (!r.ok) return;
        expect(r.value).toBe(r.value.normalize('NFC'));
        // eslint-disable-next-line no-control-regex -- the test is that no control character is left
        expect(r.value).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\r\u202a-\u202e\u2066-\u2069]/u);
        if (kind === 'line') expect(r.value).not.toMatch(/[\t\n\u2028\u2029\u200b\u200c\u200e\u200f\u061c\u2060\ufeff]/u);
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it('counts characters as people do', () => {
    expect(characterCount('🐱あ')).toBe(2);
  });
});
