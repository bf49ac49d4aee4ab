import type { ImportError, ImportResult } from './importCsv.js';

/** One error as printed: 「3行目 mutual_aid_cases: …」 (no column for a whole-line problem). */
export function formatImportError(e: ImportError): string {
  return `${e.line}行目${e.column ? ` ${e.column}` : ''}: ${e.message}`;
}

/** The result of an import in Japanese, one line per entry; long error lists are cut at `maxErrors`. */
export function formatImportSummary(result: ImportResult, options: { dryRun?: boolean; maxErrors?: number; maxRows?: number } = {}): string[] {
  if (result.ok) {
    const { created, updated, unchanged } = result.counts;
    const counts = `新規 ${created} 件、更新 ${updated} 件、変更なし ${unchanged} 件`;
    if (!options.dryRun) {
      const lines = [`取り込みました: ${counts}`];
      if (result.wardsCreated.length > 0) lines.push(`新しく作った区: ${result.wardsCreated.join('、')}`);
      return lines;
    }
    const lines = [`確認しました（何も書き込んでいません）。取り込むと: ${counts}`];
    if (result.wardsCreated.length > 0) lines.push(`新しく作る区: ${result.wardsCreated.join('、')}`);
    // The rows that would add or change something, so that nothing surprising is written.
    const maxRows = options.maxRows ?? 200;
    for (const c of result.changes.slice(0, maxRows)) lines.push(`${c.line}行目 ${c.outcome === 'created' ? '新規' : '更新'}: ${c.label}`);
    if (result.changes.length > maxRows) lines.push(`ほかに ${result.changes.length - maxRows} 行を新規・更新します。`);
    lines.push('問題はありません。--dry-run を外して実行すると取り込みます。');
    return lines;
  }
  const max = options.maxErrors ?? 200;
  const lines = ['取り込みを中止しました（何も書き込んでいません）', ...result.errors.slice(0, max).map(formatImportError)];
  if (result.errors.length > max) lines.push(`ほかに ${result.errors.length - max} 件の問題があります。上の問題を直してからもう一度お試しください。`);
  return lines;
}
