import { describe, expect, it } from 'vitest';
import { viewHelpers } from '../../src/views.js';

describe('h.headBreaks: table headings break only between words', () => {
  it('puts <wbr> between words and keeps one-character suffixes, prefixes and okurigana with their word', () => {
    expect(viewHelpers.headBreaks('福祉協力員')).toBe('福祉<wbr>協力員');
    expect(viewHelpers.headBreaks('助け合い')).toBe('助け合い');
    expect(viewHelpers.headBreaks('年間の合計')).toBe('年間の<wbr>合計');
    expect(viewHelpers.headBreaks('閉鎖日')).toBe('閉鎖日');
    expect(viewHelpers.headBreaks('見守り世帯数')).toBe('見守り<wbr>世帯数');
    expect(viewHelpers.headBreaks('地域包括支援センター')).toBe('地域<wbr>包括<wbr>支援<wbr>センター');
  });
  it('escapes HTML', () => {
    expect(viewHelpers.headBreaks('<b>&"')).not.toContain('<b>');
    expect(viewHelpers.headBreaks('<b>')).toBe('&lt;b&gt;');
  });
});

describe('percent', () => {
  it('signs a change, and reads a change that rounds to zero as 0.0% (never -0.0%)', () => {
    expect(viewHelpers.percent(0.07)).toBe('+7.0%');
    expect(viewHelpers.percent(-0.123)).toBe('-12.3%');
    expect(viewHelpers.percent(-0.0004)).toBe('0.0%');
    expect(viewHelpers.percent(0.0004)).toBe('0.0%');
    expect(viewHelpers.percent(0)).toBe('0.0%');
    expect(viewHelpers.percent(null)).toBe('—');
  });
});
