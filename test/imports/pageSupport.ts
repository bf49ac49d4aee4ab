/**
 * Uploading files to /imports through app.inject as a browser does
 * (multipart/form-data with the session cookie and the page's CSRF token).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import iconv from 'iconv-lite';
import type { Client } from '../support/app.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A multipart/form-data body of text fields and at most one file. */
export function multipartBody(fields: Record<string, string>, file?: { field?: string; name: string; content: Buffer; type?: string }) {
  const boundary = `----mimamori${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\ncontent-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
        'utf8',
      ),
      file.content,
      Buffer.from('\r\n', 'utf8'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function cookieHeader(client: Client): string {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Opens /imports (for a fresh CSRF token) and uploads the file as the signed-in client. */
export async function uploadFile(
  app: FastifyInstance,
  client: Client,
  kind: string,
  file: { name: string; content: Buffer; type?: string } | null,
  extraFields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  await client.get('/imports');
  const { payload, contentType } = multipartBody({ _csrf: client.csrfToken, kind, ...extraFields }, file ?? undefined);
  const res = await app.inject({ method: 'POST', url: '/imports', headers: { cookie: cookieHeader(client), 'content-type': contentType }, payload });
  for (const c of res.cookies) client.cookies.set(c.name, c.value);
  return res;
}

/** The upload's dry-run address from the 303 after an upload. */
export function dryRunUrl(res: LightMyRequestResponse): string {
  const location = String(res.headers.location ?? '');
  if (res.statusCode !== 303 || !/^\/imports\/[A-Za-z0-9_-]+$/.test(location))
    throw new Error(`upload was not accepted: ${res.statusCode} ${res.body.slice(0, 2000)}`);
  return location;
}

/** Uploads, opens the dry run and presses 取り込む; returns both pages. */
export async function uploadAndImport(
  app: FastifyInstance,
  client: Client,
  kind: string,
  file: { name: string; content: Buffer },
  confirm: Record<string, string> = {},
) {
  const url = dryRunUrl(await uploadFile(app, client, kind, file));
  const dryRun = await client.get(url);
  const result = await client.post(url, confirm);
  return { url, dryRun, result };
}

/** The same text as Shift_JIS bytes (cp932), as Excel in Japan saves 「CSV（コンマ区切り）」. */
export function shiftJis(text: string): Buffer {
  return iconv.encode(text, 'cp932');
}

/** The text of the page without tags (for reading messages). */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}
