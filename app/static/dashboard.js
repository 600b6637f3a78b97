// Reloads the rapporteur's dashboard every 30 seconds so the figures stay
// live, with a button to pause it (a timed change the reader can stop, as
// WCAG 2.2.1 asks). The choice lasts for the browser tab.
(function () {
  'use strict';
  var box = document.getElementById('refresh');
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute('data-seconds'), 10) || 30;
  var button = box.querySelector('button');
  var status = box.querySelector('.refresh-status');
  var paused = false;
  try { paused = sessionStorage.getItem('dashboard-paused') === '1'; } catch (e) {}
  var timer = null;
  function show() {
    button.textContent = box.getAttribute(paused ? 'data-resume' : 'data-pause');
    status.textContent = box.getAttribute(paused ? 'data-paused' : 'data-live');
  }
  function arm() {
    clearTimeout(timer);
    if (!paused) { timer = setTimeout(function () { location.reload(); }, seconds * 1000); }
  }
  button.addEventListener('click', function () {
    paused = !paused;
    try { sessionStorage.setItem('dashboard-paused', paused ? '1' : '0'); } catch (e) {}
    show();
    arm();
  });
  box.hidden = false;
  show();
  arm();
}());
