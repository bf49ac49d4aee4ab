// Small conveniences on top of pages that work without JavaScript.
(function () {
  'use strict';

  // ---- Counts: the same rules as the server (src/domain/numbers.ts parseCount) ----
  // Full-width ASCII (U+FF01–FF5E) and the ideographic space to half-width, as toHalfWidth does.
  function toHalfWidth(s) {
    return String(s)
      .replace(/[\uff01-\uff5e]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      })
      .replace(/\u3000/g, ' ');
  }
  function withoutUnit(s, units) {
    for (var i = 0; i < units.length; i++) {
      var u = units[i];
      if (u !== '' && s.length > u.length && s.slice(-u.length) === u) return s.slice(0, -u.length).replace(/\s+$/, '');
    }
    return s;
  }
  var MAX_COUNT = 9999999;
  /** { ok: true, value: number|null } or { ok: false }: what the server would store for this text. */
  function parseCountLikeServer(input, units) {
    var s = withoutUnit(toHalfWidth(input == null ? '' : input).trim(), units || []);
    if (s === '') return { ok: true, value: null };
    var digits = null;
    if (/^\d+$/.test(s)) digits = s;
    else if (/^\d{1,3}(?:,\d{3})+$/.test(s)) digits = s.replace(/,/g, '');
    if (digits === null) return { ok: false };
    var value = Number(digits);
    if (value > MAX_COUNT) return { ok: false };
    return { ok: true, value: value };
  }
  // For the browser test that proves the script and the server agree.
  window.mimamoriParseCount = parseCountLikeServer;

  // Live totals: <output data-sum="name1 name2 …"> adds up the named fields as people type.
  function updateSums() {
    document.querySelectorAll('[data-sum]').forEach(function (out) {
      var names = out.getAttribute('data-sum').split(/\s+/);
      var total = 0,
        any = false,
        bad = false;
      names.forEach(function (n) {
        var el = document.querySelector('[name="' + n + '"]');
        if (!el) return;
        var unit = el.getAttribute('data-unit');
        var parsed = parseCountLikeServer(el.value, unit ? [unit] : []);
        if (!parsed.ok) {
          bad = true;
          return;
        }
        if (parsed.value === null) return;
        any = true;
        total += parsed.value;
      });
      out.textContent = bad ? '（数字を確認してください）' : any ? total.toLocaleString('en-US') : '—';
    });
  }
  document.addEventListener('input', updateSums);

  // ---- Error summary (GOV.UK): focus it on load; its links bring the field's label into view ----
  function focusErrorSummary() {
    var summary = document.querySelector('.error-summary[tabindex="-1"]');
    if (summary) summary.focus();
  }
  document.addEventListener('click', function (e) {
    var link = e.target && e.target.closest && e.target.closest('.error-summary a[href^="#"], .warning-summary a[href^="#"]');
    if (!link) return;
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    var input = document.getElementById(id);
    if (!input) return;
    e.preventDefault();
    var label = document.querySelector('label[for="' + id.replace(/"/g, '\\"') + '"]');
    var legend = input.closest('fieldset') && input.closest('fieldset').querySelector('legend');
    var target = label || legend || input;
    target.scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
  });

  // ---- Destructive actions: the server always asks on its own page; confirm() only shortens it ----
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var msg = form && form.getAttribute && form.getAttribute('data-confirm');
    if (!msg) return;
    if (!window.confirm(msg)) {
      e.preventDefault();
      return;
    }
    // Confirmed in the dialog: the server's confirmation page is skipped.
    if (!form.querySelector('input[name="confirmed"]')) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'confirmed';
      input.value = '1';
      form.appendChild(input);
    }
  });

  // ---- Printing: buttons exist only where this script runs (rendered hidden) ----
  function revealPrintButtons() {
    document.querySelectorAll('[data-print]').forEach(function (el) {
      el.hidden = false;
    });
    document.querySelectorAll('[data-print-hint]').forEach(function (el) {
      el.hidden = false;
    });
  }
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-print]')) {
      e.preventDefault();
      window.print();
    }
  });

  // ---- Idle timeout: warn a few minutes before the session ends while a form is open ----
  function startIdleWarning() {
    var minutes = Number(document.body && document.body.getAttribute('data-idle-minutes'));
    if (!minutes || !document.querySelector('main form[method="post"]:not(.inline)')) return;
    var warnBefore = Math.min(5, Math.max(1, Math.floor(minutes / 3))) * 60000;
    var idleMs = minutes * 60000;
    var last = Date.now();
    var banner = null;
    // Any request to the server moves the deadline; typing does not, so the page keeps its own clock from load.
    function check() {
      var left = idleMs - (Date.now() - last);
      if (left > warnBefore || banner) return;
      banner = document.createElement('div');
      banner.className = 'idle-warning';
      banner.setAttribute('role', 'alert');
      banner.id = 'idle-warning';
      var at = new Date(last + idleMs);
      var hh = String(at.getHours()),
        mm = ('0' + at.getMinutes()).slice(-2);
      banner.textContent =
        'あと' +
        Math.max(1, Math.round(left / 60000)) +
        '分ほど（' +
        hh +
        '時' +
        mm +
        '分ごろ）操作がないと、自動的にログアウトします。入力中の内容は、保存するとそのまま残ります。ログアウトした後に保存しても、ログインし直すと入力画面に戻ります。';
      var main = document.getElementById('main');
      if (main) main.insertBefore(banner, main.firstChild);
    }
    setInterval(check, 15000);
    check();
  }

  document.addEventListener('DOMContentLoaded', function () {
    updateSums();
    revealPrintButtons();
    focusErrorSummary();
    startIdleWarning();
  });
})();
