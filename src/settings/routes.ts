import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { guard } from '../guards/guard.js';
import { parseCount, toHalfWidth } from '../domain/numbers.js';
import { parseInput } from '../web/replies.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { getSettings, type SettingKey, type Settings } from '../db/settings.js';
import { updateSetting } from './repository.js';

interface SettingSpec {
  key: SettingKey;
  label: string;
  hint: string;
  unit: string;
  integer: boolean;
  min: number;
  max: number;
}

/** The settings city staff can change, in page order, with what each one does. */
export const SETTING_SPECS: readonly SettingSpec[] = [
  {
    key: 'reportDueDay',
    label: '月次報告の期限（翌月の何日まで）',
    hint: 'ある月の報告は、翌月のこの日までに入力してもらいます。過ぎても未報告の月は「期限超過」と表示されます。1〜28日。初めは10日です。',
    unit: '日',
    integer: true,
    min: 1,
    max: 28,
  },
  {
    key: 'regularMeetingMonths',
    label: '③ 連絡調整会議を「定例的に開催」とみなす月数',
    hint: '1年度のうち、連絡調整会議を開いた月がこの数以上ある校(地)区を、③「連絡調整会議を定例的に開催する校(地)区数」に数えます。1〜12か月。初めは6か月です。',
    unit: 'か月以上',
    integer: true,
    min: 1,
    max: 12,
  },
  {
    key: 'plausibilityFactor',
    label: '大きな変化の確認：倍率',
    hint: '月次報告で、最近の最大値のこの倍より大きい数（または最近の最小値のこの分の1より小さい数）が入力されたとき、保存の前に確認します。1.1〜100。初めは3倍です。',
    unit: '倍',
    integer: false,
    min: 1.1,
    max: 100,
  },
  {
    key: 'plausibilityMonths',
    label: '大きな変化の確認：比べる月数',
    hint: '上の確認で「最近」とみなす、その月より前の月数です。1〜24か月。初めは6か月です。',
    unit: 'か月',
    integer: true,
    min: 1,
    max: 24,
  },
];

const settingsBody = z.object(
  Object.fromEntries(SETTING_SPECS.map((s) => [s.key, z.string().max(100).default('')])) as Record<SettingKey, z.ZodDefault<z.ZodString>>,
);

const DECIMAL_RE = /^\d+(?:\.\d+)?$/;

/** Reads one typed setting; a number in range, or a Japanese message. */
export function parseSettingValue(spec: SettingSpec, typed: string): { ok: true; value: number } | { ok: false; message: string } {
  const range = `${spec.min}〜${spec.max}の${spec.integer ? '整数' : '数'}で入力してください。`;
  let value: number;
  if (spec.integer) {
    const parsed = parseCount(typed, { max: 1_000_000 });
    if (!parsed.ok) return { ok: false, message: `${range}` };
    if (parsed.value === null) return { ok: false, message: `値を入力してください。${range}` };
    value = parsed.value;
  } else {
    const s = toHalfWidth(typed).trim();
    if (s === '') return { ok: false, message: `値を入力してください。${range}` };
    if (!DECIMAL_RE.test(s)) return { ok: false, message: `数字で入力してください（例：3 または 2.5）。${range}` };
    value = Number(s);
  }
  if (value < spec.min || value > spec.max) return { ok: false, message: range };
  return { ok: true, value };
}

/** 設定: the few numbers that steer rollups, due dates and plausibility checks. */
export function settingRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  function render(reply: FastifyReply, form: Record<SettingKey, string>, errors: Record<string, string>, notice: string | null = null) {
    return reply.viewAsync('settings/index', {
      title: '設定',
      styles: ['admin.css'],
      specs: SETTING_SPECS,
      form,
      errors,
      labels: Object.fromEntries(SETTING_SPECS.map((s) => [s.key, s.label])),
      notice,
    });
  }

  app.get('/settings', { preHandler: guard.city('admin') }, async (request, reply) => {
    const current = getSettings(db);
    const form = Object.fromEntries(SETTING_SPECS.map((s) => [s.key, String(current[s.key])])) as Record<SettingKey, string>;
    // Values typed before a timeout (DESIGN §7) come back in place of the stored ones, not saved yet.
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      const typed = settingsBody.safeParse(resumed);
      if (typed.success) return render(reply, typed.data, {}, RESUMED_MESSAGE);
    }
    return render(reply, form, {});
  });

  app.post('/settings', { preHandler: guard.city('admin') }, async (request, reply) => {
    const form = parseInput(settingsBody, request.body) as Record<SettingKey, string>;
    const errors: Record<string, string> = {};
    const values: Partial<Settings> = {};
    for (const spec of SETTING_SPECS) {
      const parsed = parseSettingValue(spec, form[spec.key]);
      if (parsed.ok) values[spec.key] = parsed.value;
      else errors[spec.key] = parsed.message;
    }
    if (Object.keys(errors).length > 0) {
      reply.code(422);
      return render(reply, form, errors);
    }
    const current = getSettings(db);
    const changed = SETTING_SPECS.filter((s) => values[s.key] !== current[s.key]);
    // Each change is its own audited write; all were checked above, so none is refused halfway.
    for (const spec of changed) updateSetting(db, spec.key, values[spec.key]!, request.user!.id);
    request.session.flash = changed.length === 0 ? '設定は変更されていません。' : `設定を保存しました（${changed.map((s) => s.label).join('、')}）。`;
    return reply.redirect('/settings', 303);
  });
}
