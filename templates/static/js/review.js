// Reviewing a report in place (templates/comparison/_report_matches.html, review.html).
//
// The forms are plain POST forms; htmx (loaded for editors) sends them in the background
// and swaps in what the server returns, so the page stays where it was. This file adds
// what htmx does not: focus and feedback after a decision, and review mode's one card at a
// time with the keyboard (y or Enter confirm, n dismiss, j or → next, k or ← previous).
// Without JavaScript every card is listed and each form posts and comes back.
(function () {
  "use strict";

  const live = document.getElementById("review-live");

  function say(text, isError) {
    if (!live) return;
    const span = document.createElement("span");
    span.className = "review-feedback" + (isError ? " is-error" : "");
    span.textContent = text;
    live.replaceChildren(span);
  }

  // --- after a decision made in place -------------------------------------------------

  let returnTo = null; // the anchor of the hypothesis or card the decision came from
  let busy = false;

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.target.closest ? event.target.closest("form") : null;
    returnTo = form && form.elements.anchor ? form.elements.anchor.value : null;
    busy = true;
    document.documentElement.classList.add("is-reviewing");
  });

  document.addEventListener("htmx:afterRequest", function () {
    busy = false;
    document.documentElement.classList.remove("is-reviewing");
  });

  // The messages come translated from the live region's data attributes (the page's
  // language); the English ones here are the fallback.
  function message(name, fallback) {
    return (live && live.dataset[name]) || fallback;
  }

  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    say(
      status === 403
        ? message(
            "errorForbidden",
            "This was not saved: you may not review this report, or the page is out of date; reload it."
          )
        : message(
            "errorStatus",
            "This was not saved (the server answered {status}); reload the page and try again."
          ).replace("{status}", String(status)),
      true
    );
  });

  document.addEventListener("htmx:sendError", function () {
    say(message("errorOffline", "This was not saved: the server could not be reached. Try again."), true);
  });

  // The swap replaces everything around the place the decision was made: hold that place
  // (the hypothesis' row) where it was in the window, whatever changed above or below it.
  let heldTop = null;

  function hold() {
    const target = returnTo && document.getElementById(returnTo);
    if (target && heldTop !== null) {
      window.scrollBy(0, target.getBoundingClientRect().top - heldTop);
    }
  }

  document.addEventListener("htmx:beforeSwap", function () {
    const target = returnTo && document.getElementById(returnTo);
    heldTop = target && !document.getElementById("review") ? target.getBoundingClientRect().top : null;
  });

  document.addEventListener("htmx:afterSwap", hold);

  let fade = null;
  document.addEventListener("htmx:afterSettle", function () {
    if (live) {
      window.clearTimeout(fade);
      fade = window.setTimeout(function () {
        live.replaceChildren();
      }, 8000);
    }
    if (document.getElementById("review")) {
      setupReview(returnTo);
      return;
    }
    hold();
    heldTop = null;
    // Keep the keyboard where the decision was made, without scrolling.
    const target = returnTo && document.getElementById(returnTo);
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
  });

  // --- review mode ----------------------------------------------------------------------

  let cards = [];
  let current = 0;

  function show(index) {
    if (!cards.length) return;
    current = Math.max(0, Math.min(index, cards.length - 1));
    cards.forEach(function (card, position) {
      card.classList.toggle("is-current", position === current);
      card.hidden = position !== current;
    });
  }

  function setupReview(wanted) {
    const queue = document.querySelector("[data-review-queue]");
    const keys = document.querySelector("[data-review-keys]");
    cards = queue ? Array.from(queue.querySelectorAll(".review-card")) : [];
    if (keys) keys.hidden = !cards.length;
    if (!queue) return;
    queue.classList.add("is-enhanced");
    let index = cards.findIndex(function (card) {
      return card.id === wanted;
    });
    if (index < 0) index = Math.min(current, cards.length - 1);
    show(index);
    if (wanted !== undefined && cards[current]) {
      cards[current].setAttribute("tabindex", "-1");
      cards[current].focus({ preventScroll: true });
    }
  }

  function submit(kind) {
    const card = cards[current];
    const form = card && card.querySelector('[data-review-decision="' + kind + '"]');
    if (!form || busy) return;
    const button = form.querySelector("button");
    if (button) button.click();
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", function (event) {
    if (!cards.length || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    const onControl = event.target.closest && event.target.closest("a, button, summary");
    switch (event.key) {
      case "y":
        submit("confirm");
        break;
      case "Enter":
        if (onControl) return; // Enter on a link or button does what that control does
        submit("confirm");
        break;
      case "n":
        submit("dismiss");
        break;
      case "j":
      case "ArrowRight":
        show(current + 1);
        break;
      case "k":
      case "ArrowLeft":
        show(current - 1);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // "Skip" and "Next" step through the cards instead of jumping to an anchor.
  document.addEventListener("click", function (event) {
    const step = event.target.closest && event.target.closest("[data-review-step]");
    if (!step || !cards.length) return;
    event.preventDefault();
    show(current + Number(step.dataset.reviewStep));
  });

  setupReview(window.location.hash ? window.location.hash.slice(1) : undefined);
})();
