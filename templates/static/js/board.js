// Progressive enhancement of the map board and pair page. Everything works without it:
// deletes then go through a confirm page, reordering through the arrow buttons.
(function () {
  "use strict";

  // Delete buttons: ask here instead of on a separate confirm page.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-confirm]");
    if (!button || !button.form) return;
    if (!window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    let confirmField = button.form.querySelector("input[name=confirm]");
    if (!confirmField) {
      confirmField = document.createElement("input");
      confirmField.type = "hidden";
      confirmField.name = "confirm";
      button.form.appendChild(confirmField);
    }
    confirmField.value = "yes";
  });

  // Enter in a new note's box adds the note, as on a sticky-note board (Shift+Enter starts
  // a new line); Ctrl+Enter (Cmd+Enter on a Mac) submits any note text box. Not while an
  // input method is composing a character.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    const field = event.target;
    if (field.tagName !== "TEXTAREA" || !field.form) return;
    const adding = field.form.classList.contains("add-note") && !event.shiftKey;
    if (!adding && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    field.form.requestSubmit();
  });

  // After adding a note the page comes back at "#add-<segment>": keep typing there.
  // Focus only after load: scrolling to the fragment would otherwise take the focus back.
  window.addEventListener("load", function () {
    if (!window.location.hash.startsWith("#add-")) return;
    const form = document.getElementById(window.location.hash.slice(1));
    const text = form && form.querySelector("textarea");
    if (text) window.setTimeout(function () { text.focus({ preventScroll: true }); }, 0);
  });

  // Drag and drop within a segment posts the same move endpoint as the arrow buttons.
  const actions = document.getElementById("note-actions");
  const token = actions && actions.querySelector("input[name=csrfmiddlewaretoken]");
  if (!token) return;

  let dragged = null;

  function clearMarkers(list) {
    list.querySelectorAll(".drop-before, .drop-after").forEach(function (note) {
      note.classList.remove("drop-before", "drop-after");
    });
  }

  function position(note) {
    return Array.prototype.indexOf.call(note.parentElement.children, note);
  }

  document.querySelectorAll("ol[data-reorder] > li[data-move-url]").forEach(function (note) {
    note.draggable = true;

    note.addEventListener("dragstart", function (event) {
      dragged = note;
      note.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", note.id);
    });

    note.addEventListener("dragend", function () {
      note.classList.remove("dragging");
      clearMarkers(note.parentElement);
      dragged = null;
    });

    note.addEventListener("dragover", function (event) {
      if (!dragged || dragged === note || dragged.parentElement !== note.parentElement) return;
      event.preventDefault();
      clearMarkers(note.parentElement);
      note.classList.add(position(note) > position(dragged) ? "drop-after" : "drop-before");
    });

    note.addEventListener("drop", function (event) {
      if (!dragged || dragged === note || dragged.parentElement !== note.parentElement) return;
      event.preventDefault();
      const moving = dragged;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      body.append("offset", String(position(note) - position(moving)));
      fetch(moving.dataset.moveUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          // A reload keeps the scroll position, so the board stays where it was.
          window.location.reload();
        })
        .catch(function (error) {
          // The text comes translated from the template; {error} marks where the cause goes.
          const text = actions.dataset.moveFailed ||
            "The note could not be moved ({error}). Reload and try again.";
          window.alert(text.replace("{error}", error.message));
        });
    });
  });
})();
