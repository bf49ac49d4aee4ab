import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { guard } from '../guards/guard.js';
import { currentFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { closeFiscalYear, listClosedFiscalYears, reopenFiscalYear, reportCountsByFiscalYear } from './repository.js';
import { usersByIds } from '../users/repository.js';
import { fiscalYearsOfScope } from '../figures/dataYears.js';
import { fiscalYearPathParams } from '../web/params.js';
import { parsePath } from '../web/replies.js';
import { formatJapanDateTime } from '../web/japanTime.js';

/** 年度確定: city staff close a fiscal year's months to edits, and reopen them. */
export function fiscalYearRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  app.get('/fiscal-years', { preHandler: guard.city('admin') }, async (_request, reply) => {
    const current = currentFiscalYear();
    const closed = listClosedFiscalYears(db);
    const counts = new Map(reportCountsByFiscalYear(db).map((c) => [c.fiscalYear, c]));
    const years = [...new Set([...fiscalYearsOfScope(db, { type: 'city', id: 0 }), ...closed.map((c) => c.fiscalYear), current])]
      .filter((fy) => fy <= current)
      .sort((a, b) => b - a);
    const closers = usersByIds(
      db,
      closed.map((c) => c.closedBy),
    );
    const closedByYear = new Map(closed.map((c) => [c.fiscalYear, c]));
    const rows = years.map((fy) => {
      const c = closedByYear.get(fy);
      const closer = c?.closedBy ? closers.get(c.closedBy) : undefined;
      return {
        fiscalYear: fy,
        label: warekiLong(fy),
        isCurrent: fy === current,
        closed: !!c,
        closedBy: closer ? `${closer.displayName}（${closer.login}）` : c ? '（不明）' : '',
        closedAt: formatJapanDateTime(c?.closedAt),
        reports: counts.get(fy)?.reports ?? 0,
        districts: counts.get(fy)?.districts ?? 0,
      };
    });
    return reply.viewAsync('fiscalYears/index', { title: '年度確定', rows, styles: ['admin.css'] });
  });

  /** One confirm-then-act POST for closing and reopening: both ask first, act, flash, and go back to the list. */
  function confirmedYearAction(
    action: 'close' | 'reopen',
    ask: (fy: number) => { heading: string; lines: string[]; button: string },
    act: (fy: number, userId: number) => void,
    done: (fy: number) => string,
    check: (fy: number) => void = () => undefined,
  ): void {
    app.post(`/fiscal-years/:fy/${action}`, { preHandler: guard.city('admin') }, async (request, reply) => {
      const { fy } = parsePath(fiscalYearPathParams, request.params);
      check(fy);
      if (!isConfirmed(request.body)) {
        return renderConfirmation(reply, { ...ask(fy), action: `/fiscal-years/${fy}/${action}`, cancelUrl: '/fiscal-years', styles: ['admin.css'] });
      }
      act(fy, request.user!.id);
      request.session.flash = done(fy);
      return reply.redirect('/fiscal-years', 303);
    });
  }

  confirmedYearAction(
    'close',
    (fy) => ({
      heading: `${warekiLong(fy)}を年度確定しますか`,
      lines: [
        `確定すると、${warekiLong(fy)}の月次報告・サロンの開設日や閉鎖日・計画の年度は、校(地)区・区社協・市社協のだれも変更できなくなります。`,
        'その時点の数字が、この年度の記録として推移表に使われます。誤りが見つかったときは、年度を再開してから直せます（どちらも記録に残ります）。',
      ],
      button: '年度確定する',
    }),
    (fy, userId) => closeFiscalYear(db, fy, userId),
    (fy) => `${warekiLong(fy)}を年度確定しました。この年度の月次報告は変更できなくなりました。`,
    (fy) => {
      // A year still under way (or not begun) cannot be final; its months are still being reported.
      if (fy >= currentFiscalYear()) throw new ValidationError({ fy: 'まだ終わっていない年度は確定できません。' }, 'まだ終わっていない年度は確定できません。');
    },
  );

  confirmedYearAction(
    'reopen',
    (fy) => ({
      heading: `${warekiLong(fy)}の年度確定を取り消しますか`,
      lines: [
        `取り消すと、${warekiLong(fy)}の月次報告などを再び変更できるようになります。`,
        '直し終えたら、もう一度年度確定してください。取り消したことは記録に残ります。',
      ],
      button: '年度確定を取り消す',
    }),
    (fy, userId) => reopenFiscalYear(db, fy, userId),
    (fy) => `${warekiLong(fy)}の年度確定を取り消しました。この年度の月次報告を再び変更できます。`,
  );
}
