// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // After htmx swaps a component, move focus into it and announce it, so keyboard and
  // screen reader users notice the change. Components opt in with data-focus-on-swap.
  document.addEventListener("htmx:after:swap", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var root = target.closest("[data-focus-on-swap]") || target.querySelector("[data-focus-on-swap]");
    if (!root) { return; }
    // The new question (its legend) before any heading above it, such as the wizard's
    // "Your answers" list: querySelector("h1, h2, legend") returns the first in document order.
    var focusable = root.querySelector("[data-focus-first]") || root.querySelector("legend") ||
      root.querySelector("h1, h2");
    if (focusable) {
      if (!focusable.hasAttribute("tabindex")) { focusable.setAttribute("tabindex", "-1"); }
      focusable.focus();
    }
    var announcer = document.getElementById("announcer");
    var message = root.getAttribute("data-announce");
    if (announcer && message) {
      announcer.textContent = "";
      window.setTimeout(function () { announcer.textContent = message; }, 50);
    }
  });

  // Fill the reader's time zone into wizard forms, so a date and time they type is read
  // as their local time. Without JavaScript the server's default zone is used and named.
  function fillTimeZone(root) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!zone) { return; }
    root.querySelectorAll("input[data-timezone-field]").forEach(function (input) {
      if (input.value) { return; }
      input.value = zone;
      // The server named its default zone; the form now sends this one, so name it instead.
      if (input.form) {
        input.form.querySelectorAll("[data-timezone-name]").forEach(function (name) { name.textContent = zone; });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fillTimeZone(document); });
  document.addEventListener("htmx:after:swap", function () { fillTimeZone(document); });

  // Live search results replace the list without moving focus (the reader is typing), so
  // their count is read out through the page's one live region.
  document.addEventListener("htmx:after:swap", function () {
    var count = document.querySelector("#quick-results .result-count, #search-results .result-count");
    var announcer = document.getElementById("announcer");
    if (count && announcer && document.activeElement && document.activeElement.type === "search") {
      announcer.textContent = count.textContent.trim();
    }
  });

  // A click anywhere outside the header search closes its live results.
  document.addEventListener("click", function (event) {
    var panel = document.getElementById("quick-results");
    if (panel && panel.firstChild && !event.target.closest(".header-search")) {
      panel.replaceChildren();
    }
  });

  // "/" focuses the search box, as in most help centers, unless the reader is typing.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) { return; }
    var search = document.querySelector("input[type=search]");
    if (search) { event.preventDefault(); search.focus(); }
  });
})();
