import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedAgendaSheet, loadedDistrict } from '../guards/guard.js';
import { monthsOfFiscalYear, warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { districtTemplate } from '../imports/template.js';
import { listMonthlyReports, valuesOf } from '../monthlyReports/repository.js';
import { parseTrendQuery, trendCacheKey } from '../trends/query.js';
import { cachedTrendTable } from '../trends/tables.js';
import { districtYearPathParams } from '../web/params.js';
import { parsePath } from '../web/replies.js';
import { figuresCache } from '../trends/cache.js';
import type { TableKind } from '../trends/table.js';
import { printedModel } from '../agendas/repository.js';
import { CSV_TYPE, XLSX_TYPE, contentDisposition, toCsv, toXlsx } from '../web/files.js';
import { agendaGrids, monthlyImportGrid, trendTableGrids, type Grid } from './tables.js';

type Format = 'csv' | 'xlsx';

function sendFile(reply: FastifyReply, format: Format, file: Buffer, names: { ja: string; ascii: string }) {
  reply.header('content-disposition', contentDisposition(`${names.ja}.${format}`, `${names.ascii}.${format}`));
  reply.header('cache-control', 'private, no-store');
  return reply.type(format === 'csv' ? CSV_TYPE : XLSX_TYPE).send(file);
}

async function sendGrids(reply: FastifyReply, format: Format, grids: Grid[], names: { ja: string; ascii: string }, csvGrids: Grid[] = grids) {
  return sendFile(reply, format, format === 'csv' ? toCsv(csvGrids) : await toXlsx(grids), names);
}

function scopeAscii(key: string): string {
  return key.replace(/^ward:.*/, 'ward').replace(/^district:/, 'district-');
}

/** ダウンロード: trend tables, agenda tables and monthly data as CSV and .xlsx. */
export function exportRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  async function trendExport(request: FastifyRequest, reply: FastifyReply, kind: TableKind, format: Format) {
    // Same checks and the same single rollup path as the page and the JSON API.
    const q = parseTrendQuery(db, request.user!, request.query);
    const span = `${warekiShort(q.fromFy)}-${warekiShort(q.toFy)}`;
    const ja = `${kind === 'items' ? '推移表' : '見守り世帯の内訳'}_${q.scope.label}_${span}`;
    const ascii = `${kind === 'items' ? 'trends' : 'households'}_${scopeAscii(q.scope.key)}_${q.fromFy}-${q.toFy}`;
    // The file is the same for everyone who may see the scope: built once per data version.
    const file = await figuresCache(app.database.sqlite).get(trendCacheKey(q, `export:${kind}:${format}`), async () => {
      const grids = trendTableGrids(cachedTrendTable(app.database, q, kind));
      // The CSV carries the origins in its 出典 column; the workbook adds a sheet with every cell's origin.
      return format === 'csv' ? toCsv(grids.slice(0, 1)) : toXlsx(grids);
    });
    return sendFile(reply, format, file, { ja, ascii });
  }

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/trends/export.${format}`, { preHandler: guard.scope('read') }, async (request, reply) => trendExport(request, reply, 'items', format));
    app.get(`/trends/households/export.${format}`, { preHandler: guard.scope('read') }, async (request, reply) =>
      trendExport(request, reply, 'households', format),
    );

    app.get(`/agendas/:id/export.${format}`, { preHandler: guard.agendaSheet('read') }, async (request, reply) => {
      const sheet = loadedAgendaSheet(request);
      // As printed: the frozen figures once finalised, never live data.
      const model = printedModel(db, sheet);
      return sendGrids(reply, format, agendaGrids(model), { ja: `議題シート_${sheet.heading}`, ascii: `agenda-${sheet.id}` });
    });

    app.get(`/districts/:code/years/:fy/export.${format}`, { preHandler: guard.district('read') }, async (request, reply) => {
      const { fy } = parsePath(districtYearPathParams, request.params, 'そのページは見つかりません。年度は 2024 または R6 のように指定してください。');
      const district = loadedDistrict(request);
      const months = monthsOfFiscalYear(fy);
      const reports = new Map(listMonthlyReports(db, district.id, months).map((r) => [r.month, valuesOf(r)]));
      // Both files are monthly-reports import files (DESIGN §8): exported and imported again, nothing changes.
      // The workbook is the district's Excel template with its months filled in (Japanese notes on the headers).
      const names = { ja: `月次報告_${district.name}_${warekiShort(fy)}`, ascii: `monthly_${district.code}_${fy}` };
      if (format === 'csv') return sendGrids(reply, format, [monthlyImportGrid(district, fy, months, reports)], names);
      return sendFile(reply, format, await districtTemplate({ district, fiscalYear: fy, months, reports, sheetName: warekiLong(fy) }), names);
    });
  }
}
