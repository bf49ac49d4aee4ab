/*
 * 「引用できる数」 in the agenda editor: a button beside each sentence puts it
 * into the text field the user was last in (a section's 本文, a row's 注の文,
 * a table's 注記), at the cursor; the first section's 本文 when none was used
 * yet. Without this script the sentences are plain text to select and copy.
 */
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var panel = document.getElementById('narrative');
    var form = document.querySelector('form.agenda-form');
    if (!panel || !form) return;
    var status = panel.querySelector('.narrative-status');
    var last = null;
    var isTextField = function (el) {
      return (
        el &&
        (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type === 'text')) &&
        !el.classList.contains('order') &&
        !el.classList.contains('percent')
      );
    };
    form.addEventListener('focusin', function (event) {
      if (isTextField(event.target)) last = event.target;
    });
    var labelOf = function (el) {
      var label = el.id ? document.querySelector('label[for="' + el.id.replace(/"/g, '\\"') + '"]') : null;
      return label ? label.textContent.replace(/\s+/g, ' ').trim() : '入力欄';
    };
    var buttons = panel.querySelectorAll('[data-narrative-insert]');
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var target = last || form.querySelector('textarea[name$=".body"]');
        if (!target) return;
        var text = button.getAttribute('data-narrative-insert') || '';
        var value = target.value;
        var start = typeof target.selectionStart === 'number' ? target.selectionStart : value.length;
        var end = typeof target.selectionEnd === 'number' ? target.selectionEnd : value.length;
        target.value = value.slice(0, start) + text + value.slice(end);
        var caret = start + text.length;
        target.focus();
        if (target.setSelectionRange) target.setSelectionRange(caret, caret);
        if (status) status.textContent = '「' + labelOf(target) + '」に入れました。「保存する」を押すまで保存されません。';
      });
    });
  });
})();
