/**
 * Line charts and sparklines as SVG text, drawn on the server (no charting
 * script in the browser; prints like any other image). Pure: no Fastify or db.
 * Every piece of text passes through escapeXml.
 */
import { formatCount } from '../domain/numbers.js';

/** One year of a chart: its axis label, its value (null = a gap) and why it is missing. */
export interface ChartPoint {
  label: string;
  value: number | null;
  /** Reason printed for a gap (コロナ禍で正確な統計不可); null/undefined = no data. */
  note?: string | null;
}

export interface LineChartOptions {
  title: string;
  /** e.g. 世帯, 件; printed beside the axis. */
  unit?: string;
  width?: number;
  height?: number;
  /** Prefix for element ids, so several charts can share a page. */
  idPrefix?: string;
  /** Places after the decimal point of the figures (an indicator's 97.0); 0 when left out. */
  decimals?: number;
}

const FONT = "'Yu Gothic Medium', 'Yu Gothic', YuGothic, Meiryo, 'Noto Sans CJK JP', sans-serif";

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return (
    String(s)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Control characters are not allowed in XML 1.0 at all.
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** An axis from 0 to a round maximum in steps of 1, 2 or 5 × 10^k, at most `maxSteps` steps. */
export function niceScale(maxValue: number, maxSteps = 8): { max: number; step: number } {
  if (!(maxValue > 0)) return { max: 1, step: 1 };
  const magnitude = 10 ** Math.floor(Math.log10(maxValue / maxSteps));
  // Counts are whole numbers: no step below 1.
  const step = [1, 2, 5, 10, 20, 50].map((m) => Math.max(1, m * magnitude)).find((s) => Math.ceil(maxValue / s) <= maxSteps)!;
  return { max: Math.ceil(maxValue / step) * step, step };
}

/** Runs of consecutive points with values: each run is drawn as one line, gaps stay gaps. */
export function segments<T extends { value: number | null }>(points: readonly T[]): { index: number; point: T }[][] {
  const runs: { index: number; point: T }[][] = [];
  let current: { index: number; point: T }[] = [];
  points.forEach((point, index) => {
    if (point.value === null || !Number.isFinite(point.value)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push({ index, point });
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

/** A labelled line chart of one row over the years: wareki axis labels, values above the points, gaps noted below. */
export function lineChart(points: readonly ChartPoint[], options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 380;
  const id = (options.idPrefix ?? 'chart').replace(/[^A-Za-z0-9_-]/g, '');
  const gaps = points.map((p, i) => ({ p, i })).filter(({ p }) => p.value === null);
  const noteLines = gaps.map(({ p }) => `※ ${p.label}：${p.note?.trim() || '数値なし'}`);
  const margin = { top: 70, right: 36, bottom: 44 + noteLines.length * 20, left: 84 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  // Headroom above the highest point for its value label.
  const { max, step } = niceScale(Math.max(0, ...values) * 1.08);
  const x = (i: number) => margin.left + (points.length <= 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const y = (v: number) => margin.top + plotH - (plotH * v) / max;
  const out: string[] = [];
  const desc = points.map((p) => `${p.label} ${p.value === null ? p.note?.trim() || '数値なし' : formatCount(p.value, options.decimals)}`).join('、');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${escapeXml(FONT)}">`,
  );
  out.push(`<title id="${id}-title">${escapeXml(options.title)}</title>`);
  out.push(`<desc id="${id}-desc">${escapeXml(desc)}</desc>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${margin.left}" y="24" font-size="17" font-weight="bold" fill="#1f2328">${escapeXml(options.title)}</text>`);
  if (options.unit)
    out.push(`<text x="${margin.left - 10}" y="${margin.top - 24}" font-size="13" text-anchor="end" fill="#57606a">（${escapeXml(options.unit)}）</text>`);
  // Horizontal grid and y-axis labels.
  out.push('<g class="grid">');
  for (let v = 0; v <= max + step / 1000; v += step) {
    const yy = num(y(v));
    out.push(`<line x1="${margin.left}" y1="${yy}" x2="${width - margin.right}" y2="${yy}" stroke="${v === 0 ? '#57606a' : '#d0d7de'}" stroke-width="1"/>`);
    out.push(`<text x="${margin.left - 10}" y="${yy}" dy="0.35em" font-size="13" text-anchor="end" fill="#57606a">${escapeXml(formatCount(v))}</text>`);
  }
  out.push('</g>');
  // X-axis labels (wareki), with a mark where the year is a gap.
  out.push('<g class="x-axis">');
  points.forEach((p, i) => {
    const gap = p.value === null ? '※' : '';
    out.push(`<text x="${num(x(i))}" y="${margin.top + plotH + 24}" font-size="15" text-anchor="middle" fill="#1f2328">${escapeXml(p.label + gap)}</text>`);
  });
  out.push('</g>');
  // The line: one path per run of years with values.
  for (const run of segments(points)) {
    if (run.length > 1) {
      const d = run.map(({ index, point }, k) => `${k === 0 ? 'M' : 'L'}${num(x(index))},${num(y(point.value!))}`).join(' ');
      out.push(`<path class="series" d="${d}" fill="none" stroke="#0b5cad" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`);
    }
  }
  // Points and their values.
  out.push('<g class="points">');
  points.forEach((p, i) => {
    if (p.value === null) return;
    const cx = num(x(i));
    const cy = num(y(p.value));
    out.push(`<circle cx="${cx}" cy="${cy}" r="5" fill="#ffffff" stroke="#0b5cad" stroke-width="2.5"/>`);
    out.push(
      `<text x="${cx}" y="${cy}" dy="-12" font-size="14" font-weight="bold" text-anchor="middle" fill="#1f2328">${escapeXml(formatCount(p.value, options.decimals))}</text>`,
    );
  });
  out.push('</g>');
  if (noteLines.length > 0) {
    out.push('<g class="notes">');
    noteLines.forEach((line, k) => {
      out.push(`<text x="${margin.left}" y="${margin.top + plotH + 50 + k * 20}" font-size="13" fill="#57606a">${escapeXml(line)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

export interface SparklineOptions {
  width?: number;
  height?: number;
  /** Read by screen readers and shown as a tooltip. */
  label?: string;
}

/** A small trend line for a table row (screen only); null years are gaps. */
export function sparkline(values: readonly (number | null)[], options: SparklineOptions = {}): string {
  const width = options.width ?? 96;
  const height = options.height ?? 28;
  const pad = 3;
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const min = present.length > 0 ? Math.min(...present) : 0;
  const max = present.length > 0 ? Math.max(...present) : 1;
  // A flat row draws a flat line in the middle rather than dividing by zero.
  const span = max - min || 1;
  const x = (i: number) => pad + (values.length <= 1 ? (width - 2 * pad) / 2 : ((width - 2 * pad) * i) / (values.length - 1));
  const y = (v: number) => (max === min ? height / 2 : pad + (height - 2 * pad) * (1 - (v - min) / span));
  const label = options.label ?? '';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sparkline no-print" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">`,
  ];
  if (label) parts.push(`<title>${escapeXml(label)}</title>`);
  for (const run of segments(values.map((value) => ({ value: value !== null && Number.isFinite(value) ? value : null })))) {
    if (run.length === 1) {
      const { index, point } = run[0]!;
      parts.push(`<circle cx="${num(x(index))}" cy="${num(y(point.value!))}" r="1.5" fill="#0b5cad"/>`);
    } else {
      parts.push(
        `<polyline points="${run.map(({ index, point }) => `${num(x(index))},${num(y(point.value!))}`).join(' ')}" fill="none" stroke="#0b5cad" stroke-width="2"/>`,
      );
    }
  }
  // The last value gets a dot, so the direction reads at a glance.
  const lastIndex = values
    .map((v, i) => (v !== null && Number.isFinite(v) ? i : -1))
    .filter((i) => i >= 0)
    .pop();
  if (lastIndex !== undefined) parts.push(`<circle cx="${num(x(lastIndex))}" cy="${num(y(values[lastIndex]!))}" r="2.5" fill="#0b5cad"/>`);
  parts.push('</svg>');
  return parts.join('');
}
