/* form.js: keeps a participant's answers on the phone until the server has
   them. Without it the form still works as a plain POST. With it, every answer
   is saved in localStorage as it is typed and restored after a reload; the
   form is sent with fetch, and when the network fails it is sent again with
   backoff, always with the same submission_id, so the server stores one
   response however many tries reach it. Messages come from the page's
   data-msg-* attributes, in the participant's language.
   A form with conditions comes from the server in pages (each post shows the
   next page with only the questions that apply). With this script it is one
   page: every question is there, and each with a data-show-if is shown, and
   sent, only while its condition holds for the answers above it; the server
   checks the same conditions on the one post. */
(function () {
  'use strict';
  if (!window.fetch || !document.querySelector) return;

  var MAX_AGE = 7 * 24 * 3600 * 1000; // an unsent copy older than a week is dropped
  var MAX_DELAY = 60;                 // seconds between tries, at most
  var TIMEOUT = 20000;                // a try that hangs longer counts as failed
  var ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var storage = (function () {
    try {
      var s = window.localStorage, k = 'feedback:probe';
      s.setItem(k, k);
      s.removeItem(k);
      return s;
    } catch (e) {
      return null; // private mode or storage off: send only
    }
  })();

  var form, key, status, queued = false, busy = false, timer = 0, delay = 0;

  function msg(name) { return form.getAttribute('data-msg-' + name) || ''; }
  // say shows how sending goes next to the button that was pressed.
  function say(text) {
    if (!status) return;
    status.textContent = text;
    if (status.scrollIntoView) status.scrollIntoView({ block: 'nearest' });
  }
  function each(fn) { Array.prototype.forEach.call(form.elements, fn); }
  function answer(el) { return el.name && el.name !== 'submission_id' && el.name !== 'lang' && !el.disabled; }
  function tick(el) { return el.type === 'radio' || el.type === 'checkbox'; }

  // given is what the form would send now, by field name.
  function given() {
    var v = {};
    each(function (el) {
      if (!answer(el) || (tick(el) && !el.checked) || !/\S/.test(el.value)) return;
      (v[el.name] = v[el.name] || []).push(el.value);
    });
    return v;
  }

  // holds evaluates a condition of the forms file ({question, in} or
  // {question, answered}, any, all) as the server does.
  function holds(c, v) {
    if (c.any) return c.any.some(function (s) { return holds(s, v); });
    if (c.all) return c.all.every(function (s) { return holds(s, v); });
    var vals = v[c.question] || [];
    if (!vals.length) return false;
    if (c.answered) return true;
    return (c.in || []).some(function (x) { return vals.indexOf(String(x)) >= 0; });
  }

  function turn(block, on) {
    block.hidden = !on;
    if (block.tagName === 'FIELDSET') block.disabled = !on;
    else Array.prototype.forEach.call(block.querySelectorAll('textarea,input'), function (el) { el.disabled = !on; });
  }

  // apply shows the questions whose conditions hold; a question hidden stops
  // counting for those after it, so it runs until nothing changes.
  function apply() {
    var blocks = form.querySelectorAll('[data-show-if]');
    for (var pass = 0; pass <= blocks.length; pass++) {
      var v = given(), changed = false;
      Array.prototype.forEach.call(blocks, function (b) {
        var on;
        try { on = holds(JSON.parse(b.getAttribute('data-show-if')), v); } catch (e) { on = true; }
        if (on === b.hidden) { turn(b, on); changed = true; }
      });
      if (!changed) return;
    }
  }

  // onePage turns a form in pages into one: the answers carried from other
  // pages are in their own fields again, and the one button sends.
  function onePage() {
    var page = form.elements.page;
    if (!page) return;
    page.value = '0';
    Array.prototype.forEach.call(form.querySelectorAll('[data-carry],[data-repeat],button[name=nav]'), function (el) {
      el.parentNode.removeChild(el);
    });
    Array.prototype.forEach.call(form.querySelectorAll('.q[hidden], .section[hidden]'), function (b) {
      if (!b.hasAttribute('data-show-if')) turn(b, true);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-paged]'), function (el) { el.hidden = true; });
    var send = form.querySelector('button.send');
    if (send && msg('submit')) send.textContent = msg('submit');
  }

  function save() {
    if (!storage) return;
    var v = {};
    each(function (el) {
      if (!answer(el)) return;
      if (!v[el.name]) v[el.name] = [];
      if (!tick(el)) v[el.name].push(el.value);
      else if (el.checked) v[el.name].push(el.value);
    });
    try {
      storage.setItem(key, JSON.stringify({ id: form.elements.submission_id.value, at: Date.now(), queued: queued, v: v }));
    } catch (e) { /* storage full: the answers are still on the page */ }
  }

  function load() {
    var c = null;
    try { c = JSON.parse(storage && storage.getItem(key)); } catch (e) { c = null; }
    if (c && c.v && Date.now() - c.at < MAX_AGE) return c;
    forget();
    return null;
  }

  function forget() { try { if (storage) storage.removeItem(key); } catch (e) { /* nothing kept */ } }

  function restore() {
    var c = load();
    if (!c) return null;
    if (ID.test(c.id)) form.elements.submission_id.value = c.id;
    each(function (el) {
      if (!answer(el) || !c.v[el.name]) return;
      var vals = c.v[el.name];
      if (tick(el)) el.checked = vals.indexOf(el.value) >= 0;
      else el.value = vals[0] || '';
    });
    var note = document.getElementById('restored');
    if (note) {
      note.textContent = msg('restored');
      note.hidden = false;
    }
    return c.queued;
  }

  function body() {
    var parts = [];
    each(function (el) {
      if (!el.name || el.disabled || (tick(el) && !el.checked)) return;
      parts.push(encodeURIComponent(el.name) + '=' + encodeURIComponent(el.value));
    });
    return parts.join('&');
  }

  function retry(after) {
    var secs = parseInt(after, 10);
    if (!(secs >= 0)) {
      delay = Math.min(delay ? delay * 2 : 2, MAX_DELAY);
      secs = Math.max(1, Math.round(delay * (0.75 + Math.random() / 2)));
    }
    secs = Math.min(secs, MAX_DELAY);
    say(navigator.onLine === false ? msg('offline') : msg('retry').replace('{n}', secs));
    timer = setTimeout(send, secs * 1000);
  }

  // show puts the server's page (the form with its errors, or a closed
  // notice) in place of this one, as a plain submit would have.
  function show(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    document.title = doc.title;
    document.documentElement.replaceChild(document.adoptNode(doc.body), document.body);
    window.scrollTo(0, 0);
    var first = document.getElementById('errors') || document.getElementById('notice') || document.getElementById('main');
    if (first) first.focus();
    start(false);
  }

  function send() {
    clearTimeout(timer);
    timer = 0;
    if (busy) return;
    busy = true;
    queued = true;
    save();
    say(msg('sending'));
    var ctl = window.AbortController ? new AbortController() : null;
    var stop = ctl ? setTimeout(function () { ctl.abort(); }, TIMEOUT) : 0;
    fetch(form.action, {
      method: 'POST',
      body: body(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      credentials: 'same-origin',
      redirect: 'follow',
      signal: ctl ? ctl.signal : undefined
    }).then(function (res) {
      clearTimeout(stop);
      busy = false;
      if (res.ok && res.redirected) {
        queued = false;
        forget();
        window.location.assign(res.url);
        return null;
      }
      if (res.status >= 500 || res.status === 429) {
        retry(res.headers.get('Retry-After'));
        return null;
      }
      queued = false;
      save();
      return res.text().then(show);
    }).catch(function () {
      clearTimeout(stop);
      busy = false;
      retry(null);
    });
  }

  function start(first) {
    form = document.querySelector('form.feedback[data-slug]');
    status = document.getElementById('status');
    if (!form) return;
    key = 'feedback:' + form.getAttribute('data-slug');
    onePage();
    // Every conditional block starts hidden, then shows if its condition
    // holds, so the first apply sees each one's state.
    Array.prototype.forEach.call(form.querySelectorAll('[data-show-if]'), function (b) { turn(b, false); });
    apply();
    form.addEventListener('input', save);
    form.addEventListener('change', function () { apply(); save(); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      delay = 0;
      send();
    });
    // A tab that was closed while its answers waited sends them on return,
    // as the message promised.
    // Restored twice: a follow-up is enabled only once the answer it
    // depends on is back.
    var queuedBefore = first && restore();
    apply();
    if (first && queuedBefore !== null) { restore(); apply(); }
    if (queuedBefore) send();
  }

  window.addEventListener('online', function () {
    if (timer) {
      delay = 0;
      send();
    }
  });
  start(true);
})();
