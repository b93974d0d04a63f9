// Small enhancements that every page shares. Without this script the navigation stays
// open and wide tables scroll sideways in their frame: everything still works.
(function () {
  "use strict";

  // The "Menu" button shows and hides the navigation on narrow screens. The button is
  // hidden in the markup so that a page without this script never shows a dead button.
  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    if (!button) return;
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.hidden = false;
    document.documentElement.classList.add("has-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // A header that only screen readers see ("Actions") stays unseen in the cards too.
  function visibleText(cell) {
    var copy = cell.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".sr-only"), function (hidden) {
      hidden.remove();
    });
    return copy.textContent.trim();
  }

  function isBlank(cell) {
    return cell.textContent.trim() === "" && !cell.querySelector("input, select, textarea, button, img, svg, meter");
  }

  // On a phone the tables stack into one card per row; each cell then shows the label of
  // its column, taken from the table's header so that templates need not repeat it.
  function labelCells(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table") : [];
    Array.prototype.forEach.call(tables, function (table) {
      var headRow = table.tHead && table.tHead.rows[0];
      if (!headRow) return;
      var labels = [];
      Array.prototype.forEach.call(headRow.cells, function (cell) {
        for (var i = 0; i < cell.colSpan; i++) labels.push(visibleText(cell));
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var label = labels[column];
            // A cell spanning columns ("Nobody yet.") speaks for itself: no label.
            if (label && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", label);
            }
            // An empty cell would be a label with nothing beside it: the card leaves it out.
            if (isBlank(cell)) cell.classList.add("blank");
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("labelled");
    });
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelCells(document);
  });
  // Parts of pages that HTMX swaps in (directory results, agendas) get their labels too.
  document.addEventListener("htmx:load", function (event) {
    labelCells(event.target);
  });
})();

// Personal data export: a "Print" button, shown only where this script runs.
(function () {
  "use strict";
  function setUpPrint() {
    Array.prototype.forEach.call(document.querySelectorAll(".print-page"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpPrint);
  } else {
    setUpPrint();
  }
})();
