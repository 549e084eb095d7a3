// The share page's "Copy link" button: copies the new link's address (shown only once).
// Without JavaScript or clipboard access the button stays hidden; the field is selectable.
// Its messages come translated from the button's data-copied-text and data-copy-failed-text.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".share-copied");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) status.textContent = button.dataset.copiedText || "Copied."; },
        function () {
          field.select();
          if (status) {
            status.textContent =
              button.dataset.copyFailedText ||
              "Could not copy: the link is selected, copy it with Ctrl+C.";
          }
        }
      );
    });
  });
})();
