// The reporting-back deck without reloading: the arrow keys, Page Up/Down,
// Home and End move between the slides (all of them are in the page; the
// server marks the one ?slide=N names), F or the button goes full screen.
// Without this script the Previous and Next links do the same by reloading.
(function () {
  'use strict';
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var nav = document.querySelector('.deck-nav');
  if (!slides.length || !nav) {
    return; // the print view: every slide shown, nothing to move
  }
  var prev = document.getElementById('prev');
  var next = document.getElementById('next');
  var where = document.getElementById('where');
  var full = document.getElementById('fullscreen');
  var current = Math.max(0, slides.findIndex(function (s) { return s.classList.contains('current'); }));

  function href(i) { return '/admin/present?slide=' + (i + 1); }

  function setLink(a, i) {
    if (i >= 0 && i < slides.length) {
      a.setAttribute('href', href(i));
    } else {
      a.removeAttribute('href');
    }
  }

  function show(i) {
    i = Math.min(Math.max(i, 0), slides.length - 1);
    if (i === current) {
      return;
    }
    slides[current].classList.remove('current');
    slides[i].classList.add('current');
    current = i;
    setLink(prev, i - 1);
    setLink(next, i + 1);
    where.textContent = (i + 1) + ' / ' + slides.length;
    history.replaceState(null, '', href(i));
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  }

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) {
      return;
    }
    var moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (e.key in moves) {
      show(current + moves[e.key]);
    } else if (e.key === 'Home') {
      show(0);
    } else if (e.key === 'End') {
      show(slides.length - 1);
    } else if (e.key === 'f' || e.key === 'F') {
      toggleFullscreen();
    } else {
      return;
    }
    e.preventDefault();
  });

  [[prev, -1], [next, 1]].forEach(function (p) {
    p[0].addEventListener('click', function (e) {
      if (p[0].hasAttribute('href')) {
        e.preventDefault();
        show(current + p[1]);
      }
    });
  });

  if (document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener('click', toggleFullscreen);
    document.addEventListener('fullscreenchange', function () {
      full.textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
    });
  }
}());
