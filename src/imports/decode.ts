import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'shift_jis';

export type DecodeResult = { ok: true; text: string; encoding: CsvEncoding } | { ok: false; message: string };

/**
 * Turns the bytes of a CSV file into text: UTF-8 (a BOM is dropped) when the
 * bytes are valid UTF-8, otherwise Shift_JIS as Excel in Japan writes it (cp932,
 * which also holds the NEC and IBM extensions such as ① and ㈱).
 */
export function decodeCsv(bytes: Uint8Array): DecodeResult {
  // Excel's "Unicode text" is UTF-16; it would decode as nonsense, so say what to do instead.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return {
      ok: false,
      message: 'UTF-16 のファイルは読み込めません。Excel では「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」で保存してください。',
    };
  }
  try {
    // ignoreBOM: false (the default) removes a leading BOM.
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { ok: true, text: iconv.decode(Buffer.from(bytes), 'cp932'), encoding: 'shift_jis' };
  }
}
