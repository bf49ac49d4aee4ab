import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeXml, lineChart, niceScale, segments, sparkline } from '../../src/web/svg.js';

const SEED_3 = [
  { label: 'R1', value: 130 },
  { label: 'R2', value: null, note: 'コロナ禍で正確な統計不可' },
  { label: 'R3', value: 127 },
  { label: 'R4', value: 131 },
  { label: 'R5', value: 126 },
];

describe('escapeXml', () => {
  it('escapes markup characters and drops control characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0001b\tc')).toBe('ab\tc');
  });

  it('never leaves a raw < > " or & in any string', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = escapeXml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('niceScale', () => {
  it('rounds the axis maximum up to a round step', () => {
    expect(niceScale(133382)).toEqual({ max: 140000, step: 20000 });
    expect(niceScale(131)).toEqual({ max: 140, step: 20 });
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
    expect(niceScale(3)).toEqual({ max: 3, step: 1 });
  });

  it('always covers the value in at most eight whole steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (v) => {
        const { max, step } = niceScale(v);
        return max >= v && max / step <= 8 && Number.isInteger(step);
      }),
    );
  });
});

describe('segments', () => {
  it('splits a row at its gaps', () => {
    expect(segments(SEED_3).map((run) => run.map((p) => p.index))).toEqual([[0], [2, 3, 4]]);
    expect(segments([{ value: null }, { value: null }])).toEqual([]);
  });
});

describe('lineChart', () => {
  it('draws the line, wareki labels, values and a note for the gap', () => {
    const svg = lineChart(SEED_3, { title: '③ 連絡調整会議を定例的に開催する校(地)区数（全市）', unit: '校(地)区' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // One path for R3–R5; R1 stands alone as a point, R2 is a gap.
    expect(svg.match(/<path class="series" d="M[^"]*"/g)).toHaveLength(1);
    expect(
      svg
        .match(/<path class="series" d="([^"]*)"/)![1]!
        .split(/[ML]/)
        .filter(Boolean),
    ).toHaveLength(3);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    for (const label of ['R1', 'R2※', 'R3', 'R4', 'R5']) expect(svg).toContain(`>${label}</text>`);
    for (const v of ['130', '127', '131', '126']) expect(svg).toContain(`>${v}</text>`);
    expect(svg).toContain('※ R2：コロナ禍で正確な統計不可');
    expect(svg).toContain('（校(地)区）');
  });

  it('labels values with thousands separators', () => {
    const svg = lineChart(
      [
        { label: 'R4', value: 132844 },
        { label: 'R5', value: 133382 },
      ],
      { title: 't' },
    );
    expect(svg).toContain('>133,382</text>');
    expect(svg).toContain('>140,000</text>');
  });

  it('escapes every text it is given', () => {
    const svg = lineChart(
      [
        { label: '<R1>', value: 1 },
        { label: 'R2', value: null, note: '"&<script>' },
      ],
      { title: '<script>alert(1)</script>', unit: '<u>', idPrefix: '"><x' },
    );
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<R1>');
    expect(svg).not.toContain('<u>');
    expect(svg).not.toContain('"><x');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&quot;&amp;&lt;script&gt;');
  });

  it('draws nothing but the axes when every year is missing', () => {
    const svg = lineChart(
      [
        { label: 'R1', value: null },
        { label: 'R2', value: null },
      ],
      { title: 't' },
    );
    expect(svg).not.toContain('class="series"');
    expect(svg).not.toContain('<circle');
    expect(svg).toContain('※ R1：数値なし');
  });
});

describe('sparkline', () => {
  it('draws one polyline per run of values and a dot on the last value', () => {
    const svg = sparkline([5, 3, null, 13, 63, 28], { label: '④' });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('class="sparkline no-print"');
    expect(svg).toContain('aria-label="④"');
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('keeps a flat row inside the box and handles empty rows', () => {
    const flat = sparkline([7, 7, 7], { width: 60, height: 20 });
    expect(flat).toContain('points="3,10 30,10 57,10"');
    expect(sparkline([null, null])).not.toContain('<polyline');
  });

  it('stays inside its box for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 1e7 }), { nil: null }), { minLength: 1, maxLength: 12 }), (values) => {
        const svg = sparkline(values, { width: 96, height: 28 });
        for (const m of svg.matchAll(/(?:points="([^"]*)")|(?:cx="([^"]*)" cy="([^"]*)")/g)) {
          const coords = m[1] ? m[1].split(/[ ,]/).map(Number) : [Number(m[2]), Number(m[3])];
          for (const c of coords) {
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThanOrEqual(96);
          }
        }
      }),
    );
  });
});
