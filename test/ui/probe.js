// Runs in the page (added with page.addScriptTag): measures what pages.browser.test.ts checks.
// Plain JavaScript, so that the TypeScript program needs no DOM types.
window.mimamoriLayoutFacts = function mimamoriLayoutFacts() {
  const describe = (el) =>
    (
      el.querySelector('caption')?.textContent?.trim() || el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
    ).slice(0, 60);
  const root = document.documentElement;
  const fitTables = [...document.querySelectorAll('[data-fit]')].map((t) => {
    const r = t.getBoundingClientRect();
    return { name: describe(t), left: r.left, right: r.right };
  });
  const unmarkedScrollers = [];
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.closest('[data-scroll]')) continue;
    unmarkedScrollers.push(describe(el.querySelector('table') ?? el));
  }
  // Headings break between words: no line of a heading holds a single character
  // (「閉/鎖/日」, 「助け合/い」, 「センタ/ー」), and every data table has a caption.
  const squeezedHeaders = [];
  for (const th of document.querySelectorAll('main table thead th, main table tfoot th')) {
    const lines = new Map();
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('.visually-hidden, .sr-only')) continue;
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        if (/\s/.test(text[i])) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) continue;
        const top = Math.round(rect.top);
        lines.set(top, (lines.get(top) ?? 0) + 1);
      }
    }
    const counts = [...lines.values()];
    if (counts.length > 1 && counts.some((n) => n === 1))
      squeezedHeaders.push(`heading breaks one character a line: ${(th.textContent ?? '').trim().replace(/\s+/g, ' ')} (${counts.join('/')})`);
  }
  for (const table of document.querySelectorAll('main table')) {
    if (!table.querySelector(':scope > caption')?.textContent?.trim()) squeezedHeaders.push(`no caption on ${describe(table)}`);
  }
  // Status tags are filled, never outlined like a button (issue 12: 「枠線だけのタグがボタンに見える」).
  for (const tag of document.querySelectorAll('main .badge, main .status, main .state')) {
    const style = getComputedStyle(tag);
    if (tag.matches('button, a, td, th, tr')) continue;
    const filled = style.backgroundColor !== 'rgba(0, 0, 0, 0)' && style.backgroundColor !== 'transparent';
    const outlined = ['Top', 'Right', 'Bottom', 'Left'].some(
      (side) => parseFloat(style['border' + side + 'Width']) > 0 && style['border' + side + 'Style'] !== 'none',
    );
    if (outlined || (!filled && tag.textContent.trim() !== '' && !tag.classList.contains('inactive')))
      squeezedHeaders.push(`status tag looks like a button (outlined or unfilled): ${tag.textContent.trim().slice(0, 20)}`);
  }
  return { viewport: root.clientWidth, scrollWidth: root.scrollWidth, fitTables, unmarkedScrollers, squeezedHeaders };
};
