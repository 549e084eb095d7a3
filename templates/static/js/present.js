// Stepping through a report's slides with the keyboard (templates/comparison/present.html).
//
// The previous and next links are plain links to `?segment=…`, so the slides work
// without JavaScript; this file only maps the keys a presenter's clicker sends to them:
// → and Page Down (next), ← and Page Up (previous), Home and End (first and last slide).
(function () {
  "use strict";

  const main = document.getElementById("main");
  if (!main) return;

  function go(url) {
    if (url && url !== window.location.pathname + window.location.search) {
      window.location.assign(url);
    }
  }

  function link(rel) {
    const a = main.querySelector('.present-nav a[rel="' + rel + '"]');
    return a ? a.getAttribute("href") : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    let url;
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        url = link("next");
        break;
      case "ArrowLeft":
      case "PageUp":
        url = link("prev");
        break;
      case "Home":
        url = main.dataset.first;
        break;
      case "End":
        url = main.dataset.last;
        break;
      default:
        return;
    }
    event.preventDefault();
    go(url);
  });
})();
