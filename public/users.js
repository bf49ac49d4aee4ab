// 利用者の追加: show only the scope field that the chosen role needs (the page works without this).
(function () {
  'use strict';
  function update() {
    var checked = document.querySelector('input[name="role"]:checked');
    var role = checked ? checked.value : '';
    document.querySelectorAll('[data-role-field]').forEach(function (field) {
      var needed = field.getAttribute('data-role-field') === role;
      // Keep a field with an error visible so its message is never hidden.
      field.hidden = !needed && !field.classList.contains('has-error') && role !== '';
    });
  }
  document.addEventListener('change', function (e) {
    if (e.target && e.target.name === 'role') update();
  });
  document.addEventListener('DOMContentLoaded', update);
})();
