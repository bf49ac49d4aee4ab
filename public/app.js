// Small conveniences on top of pages that work without JavaScript.
(function () {
  'use strict';
  var toHalf = function (s) {
    return String(s || '').replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); }).replace(/[，,\s\u3000]/g, '');
  };
  // Live totals: <output data-sum="name1 name2 …"> adds up the named fields as people type.
  function updateSums() {
    document.querySelectorAll('[data-sum]').forEach(function (out) {
      var names = out.getAttribute('data-sum').split(/\s+/);
      var total = 0, any = false, bad = false;
      names.forEach(function (n) {
        var el = document.querySelector('[name="' + n + '"]');
        if (!el) return;
        var v = toHalf(el.value);
        if (v === '') return;
        if (!/^\d+$/.test(v)) { bad = true; return; }
        any = true; total += parseInt(v, 10);
      });
      out.textContent = bad ? '（数字を確認してください）' : any ? total.toLocaleString('ja-JP') : '—';
    });
  }
  document.addEventListener('input', updateSums);
  document.addEventListener('DOMContentLoaded', updateSums);
  // Confirm before destructive actions: <form data-confirm="…">.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var msg = form && form.getAttribute && form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  // Print buttons: <button data-print>.
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-print]')) { e.preventDefault(); window.print(); }
  });
})();
