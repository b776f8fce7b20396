/* crosscheck report: status filter and camp toggles. Each control switches one attribute or
   class on a container and CSS does the rest, so a story with 500 claims filters at once.
   The controls are real <button>s: Enter and Space work, and aria-pressed tells their state. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");

  // Full texts are folded (<details>) until asked: a link to an article or to a sentence in
  // one opens it; one button opens or closes them all; printing opens them all.
  var texts = document.querySelectorAll("details.doc-text");
  var toggleTexts = document.getElementById("toggle-texts");
  function setTexts(open) {
    for (var t = 0; t < texts.length; t++) { texts[t].open = open; }
    if (toggleTexts) {
      toggleTexts.setAttribute("aria-expanded", open ? "true" : "false");
      toggleTexts.textContent = open ? "Close all full texts" : "Open all full texts";
    }
  }
  if (toggleTexts && texts.length) {
    toggleTexts.hidden = false;
    toggleTexts.addEventListener("click", function () {
      setTexts(toggleTexts.getAttribute("aria-expanded") !== "true");
    });
  }
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    var fold = target.tagName === "ARTICLE" ? target.querySelector("details") : target.closest("details");
    if (fold && !fold.open) { fold.open = true; target.scrollIntoView(); }
    var rows = target.closest(".fold-rows");
    if (rows && !rows.classList.contains("open")) {
      var button = rows.querySelector("button.fold-toggle");
      if (button) { setFold(button, true); }
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () { setTexts(true); });
  openTarget();

  var main = document.getElementById("main");
  var table = document.getElementById("matrix");
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("matrix-empty");
  if (!table || !main) { return; }
  var total = table.querySelectorAll("tbody tr.row").length;
  var folded = status ? Number(status.getAttribute("data-folded") || "0") : 0;

  // Single-source claims few outlets state are folded by camp: one button per fold.
  var foldButtons = document.querySelectorAll("button.fold-toggle");
  function setFold(button, open) {
    var body = document.getElementById(button.getAttribute("aria-controls"));
    if (body) { body.classList.toggle("open", open); }
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  for (var f = 0; f < foldButtons.length; f++) {
    foldButtons[f].addEventListener("click", function (event) {
      var b = event.currentTarget;
      setFold(b, b.getAttribute("aria-expanded") !== "true");
    });
  }
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
        ? "Showing all " + total + " claims" + (folded ? "; " + folded + " single-source ones are folded by camp below." : ".")
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
