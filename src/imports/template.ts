/**
 * A district's Excel template for one fiscal year (DESIGN §8): one sheet, the
 * monthly import columns in row 1, one row per month (YYYY-MM as text), the
 * district code and the months already reported filled in. Count cells accept
 * whole numbers ≥ 0 only; everything but the input cells is locked. Uploaded
 * back on /imports it is read as a monthly-reports file.
 */
import type { MonthlyValues } from '../monthlyReports/repository.js';
import { CATALOGUE, countFieldNames, fieldLabels, monthlyImportColumns, type Catalogue } from '../domain/catalogue.js';

export interface TemplateInput {
  district: { code: string; name: string };
  fiscalYear: number;
  /** The FY's twelve months, April first. */
  months: readonly string[];
  /** What is stored, by month. */
  reports: ReadonlyMap<string, MonthlyValues>;
  /** The sheet's name (e.g. 「令和6年度」). */
  sheetName: string;
  /** What is counted (the columns and their notes); the city's catalogue when left out. */
  catalogue?: Catalogue;
}

/** The .xlsx bytes of the template. */
export async function districtTemplate(input: TemplateInput): Promise<Buffer> {
  // exceljs is large: loaded on the first download, not at start-up.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'みまもり';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(input.sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  const catalogue = input.catalogue ?? CATALOGUE;
  const columns = monthlyImportColumns(catalogue);
  const labels = fieldLabels(catalogue);
  const counts = new Set(countFieldNames(catalogue));
  const header = sheet.addRow([...columns]);
  header.font = { bold: true };
  header.eachCell((cell, n) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEAEEF2' } };
    const name = columns[n - 1]!;
    // The column's meaning in Japanese, shown when the cell is pointed at (row 1 must stay the column names).
    const label = name === 'district_code' ? `校(地)区コード（${input.district.name}）` : name === 'month' ? '月（2024-04 のような文字）' : labels[name];
    if (label) cell.note = label;
  });
  for (const month of input.months) {
    const stored = input.reports.get(month);
    const row = sheet.addRow(
      columns.map((c) => {
        if (c === 'district_code') return input.district.code;
        if (c === 'month') return month;
        const v = (stored as Record<string, number | string | null> | undefined)?.[c];
        return v === undefined ? null : v;
      }),
    );
    row.eachCell({ includeEmpty: true }, (cell, n) => {
      const name = columns[n - 1]!;
      if (name === 'district_code' || name === 'month') {
        // Text, never a date or a number (Excel would turn 2024-04 into a date).
        cell.numFmt = '@';
        return;
      }
      cell.protection = { locked: false };
      if (name === 'note') {
        cell.numFmt = '@';
        cell.alignment = { wrapText: true, vertical: 'top' };
        return;
      }
      cell.numFmt = '#,##0';
      cell.dataValidation = {
        type: 'whole',
        operator: 'greaterThanOrEqual',
        formulae: [0],
        allowBlank: true,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '入力できない値です',
        error: '0以上の整数を入力してください。報告のない項目は空欄のままにします。',
      };
    });
  }
  columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = c === 'note' ? 40 : c === 'district_code' || c === 'month' ? 14 : counts.has(c) ? 18 : 14;
  });
  // Locked cells (the column names, code and month) cannot be changed; the input cells can.
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer);
}
