/* Loads the comment widget (Isso) only when the reader asks for it: a click on the
   comments button, or scrolling the thread into view after the page has loaded.
   Nothing is fetched from the comment server before that. Settings come from the
   page (data-* attributes written at build time), so this file holds no text and
   no address of its own, and the page needs no inline script. */
(function () {
  "use strict";
  var box = document.querySelector("[data-comments]");
  var thread = document.getElementById("isso-thread");
  if (!box || !thread) { return; }
  var button = box.querySelector("[data-comments-open]");
  var status = box.querySelector("[data-comments-status]");
  var noscript = box.querySelector("[data-comments-nojs]");
  var started = false;

  function say(message) { if (status) { status.textContent = message || ""; } }

  function ready() { return thread.querySelector(".isso-postbox") !== null; }

  function unavailable() {
    if (!ready()) {
      say(box.getAttribute("data-msg-unavailable"));
      box.classList.add("comments--unavailable");
    }
  }

  function load() {
    if (started) { return; }
    started = true;
    if (button) { button.hidden = true; }
    say(box.getAttribute("data-msg-loading"));
    var server = thread.getAttribute("data-isso");
    var script = document.createElement("script");
    // Isso reads its settings from data-isso* attributes of a script element.
    for (var i = 0; i < thread.attributes.length; i++) {
      var name = thread.attributes[i].name;
      if (name === "data-isso" || (name.indexOf("data-isso-") === 0 && name !== "data-isso-id")) {
        script.setAttribute(name, thread.attributes[i].value);
      }
    }
    script.src = server + "js/embed.min.js";
    script.async = true;
    script.onerror = unavailable;
    var timer = window.setTimeout(unavailable, 20000);  // slow networks get 20 s before we give up
    if ("MutationObserver" in window) {
      var watcher = new MutationObserver(function () {
        if (ready()) {
          window.clearTimeout(timer);
          watcher.disconnect();
          say("");
          box.classList.remove("comments--unavailable");
        }
      });
      watcher.observe(thread, { childList: true, subtree: true });
    }
    document.head.appendChild(script);
  }

  if (noscript) { noscript.hidden = true; }
  if (button) {
    button.hidden = false;
    button.addEventListener("click", load);
  }
  // Scrolling to the thread counts as asking; a thread already on screen at load does not.
  if (box.hasAttribute("data-load-on-scroll") && "IntersectionObserver" in window) {
    var onScroll = function () {
      window.removeEventListener("scroll", onScroll);
      var seen = new IntersectionObserver(function (entries) {
        for (var j = 0; j < entries.length; j++) {
          if (entries[j].isIntersecting) { seen.disconnect(); load(); return; }
        }
      });
      seen.observe(thread);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
  }
  if (/^#isso-\d+$/.test(window.location.hash)) { load(); }
})();
