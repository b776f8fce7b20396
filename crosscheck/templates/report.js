/* crosscheck report: status filter and camp toggles. Each control switches one attribute or
   class on a container and CSS does the rest, so a story with 500 claims filters at once.
   The controls are real <button>s: Enter and Space work, and aria-pressed tells their state. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  var main = document.getElementById("main");
  var table = document.getElementById("matrix");
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("matrix-empty");
  if (!table || !main) { return; }
  var total = table.tBodies[0] ? table.tBodies[0].rows.length : 0;
  var filters = document.querySelectorAll("button[data-filter]");
  var camps = document.querySelectorAll("button[data-camp]");

  function choose(button) {
    for (var i = 0; i < filters.length; i++) {
      filters[i].setAttribute("aria-pressed", filters[i] === button ? "true" : "false");
    }
    var key = button.getAttribute("data-filter");
    var count = button.getAttribute("data-count");
    table.setAttribute("data-filter", key);
    if (status) {
      status.textContent = key === "all"
        ? "Showing all " + total + " claims."
        : "Showing " + count + " of " + total + " claims: " + button.getAttribute("data-label") + ".";
    }
    if (empty) { empty.hidden = count !== "0"; }
  }

  function toggle(button) {
    var shown = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    main.classList.toggle("hide-" + button.getAttribute("data-camp"), !shown);
  }

  for (var i = 0; i < filters.length; i++) {
    filters[i].addEventListener("click", function (event) { choose(event.currentTarget); });
  }
  for (var j = 0; j < camps.length; j++) {
    camps[j].addEventListener("click", function (event) { toggle(event.currentTarget); });
  }
})();
