import type { ImportError, ImportResult } from './importCsv.js';

/** One error as printed: 「3行目 mutual_aid_cases: …」 (no column for a whole-line problem). */
export function formatImportError(e: ImportError): string {
  return `${e.line}行目${e.column ? ` ${e.column}` : ''}: ${e.message}`;
}

/** The result of an import in Japanese, one line per entry; long error lists are cut at `maxErrors`. */
export function formatImportSummary(result: ImportResult, options: { dryRun?: boolean; maxErrors?: number } = {}): string[] {
  if (result.ok) {
    const { created, updated, unchanged } = result.counts;
    const counts = `新規 ${created} 件、更新 ${updated} 件、変更なし ${unchanged} 件`;
    return options.dryRun
      ? [`確認しました（何も書き込んでいません）。取り込むと: ${counts}`, '問題はありません。--dry-run を外して実行すると取り込みます。']
      : [`取り込みました: ${counts}`];
  }
  const max = options.maxErrors ?? 200;
  const lines = ['取り込みを中止しました（何も書き込んでいません）', ...result.errors.slice(0, max).map(formatImportError)];
  if (result.errors.length > max) lines.push(`ほかに ${result.errors.length - max} 件の問題があります。上の問題を直してからもう一度お試しください。`);
  return lines;
}
