// Copy button of the error box: puts code, correlation ID, time and message on the clipboard,
// so a user can paste them to their administrator exactly.
document.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-copy-from]');
  if (!button) return;
  var box = document.getElementById(button.getAttribute('data-copy-from'));
  if (!box) return;
  var lines = [
    box.querySelector('#error-message').textContent.trim(),
    'code: ' + box.querySelector('#error-code').textContent.trim(),
    'correlationId: ' + box.querySelector('#correlation-id').textContent.trim(),
    'timestamp: ' + box.querySelector('#error-timestamp').textContent.trim()
  ].join('\n');
  var done = function () {
    var label = button.getAttribute('data-copied-label');
    if (label) button.textContent = label;
    button.setAttribute('data-copied', 'true');
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(lines).then(done, function () { fallback(lines); done(); });
  } else {
    fallback(lines);
    done();
  }
});

function fallback(text) {
  var area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'absolute';
  area.style.left = '-9999px';
  document.body.appendChild(area);
  area.select();
  try { document.execCommand('copy'); } catch (e) { /* nothing more to try */ }
  document.body.removeChild(area);
}

// The QR step has a deadline: when it passes, reload so the page says so (with Next) instead of
// leaving a dead QR code on screen.
document.addEventListener('DOMContentLoaded', function () {
  var scan = document.getElementById('scan');
  if (!scan) return;
  var left = parseInt(scan.getAttribute('data-seconds-left'), 10);
  if (isNaN(left) || left < 0) return;
  window.setTimeout(function () { window.location.reload(); }, (left + 1) * 1000);
});

// The push steps wait for the phone: poll the registration's state and reload when it changes
// (activated, approved, refused, timed out), and reload at the deadline so the page says so.
document.addEventListener('DOMContentLoaded', function () {
  var page = document.querySelector('[data-status-url]');
  if (!page) return;
  var url = page.getAttribute('data-status-url');
  var state = page.getAttribute('data-state');
  var left = parseInt(page.getAttribute('data-seconds-left'), 10);
  if (!isNaN(left) && left >= 0) {
    window.setTimeout(function () { window.location.reload(); }, (left + 1) * 1000);
  }
  var poll = function () {
    fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : { state: 'error' }; })
      .then(function (body) {
        if (body.state !== state) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 1000);
});

// "Copy the codes" on the backup-codes page: every code of the list, one per line.
document.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-copy-list]');
  if (!button) return;
  var list = document.getElementById(button.getAttribute('data-copy-list'));
  if (!list) return;
  var text = Array.prototype.map.call(list.querySelectorAll('li'), function (item) {
    return item.textContent.trim();
  }).join('\n');
  var done = function () {
    var label = button.getAttribute('data-copied-label');
    if (label) button.textContent = label;
    button.setAttribute('data-copied', 'true');
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
  } else {
    fallback(text);
    done();
  }
});

// A page that only says "approved" carries on by itself (the form still works without script).
document.addEventListener('DOMContentLoaded', function () {
  var form = document.querySelector('form[data-autosubmit]');
  if (form) form.submit();
});
