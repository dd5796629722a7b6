/* The copy button of the calendar box (requests/includes/calendar_feed.html). Without
   scripts the button stays hidden: the read-only field and the link can be copied by hand. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-button]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-button"));
    if (!field) { return; }
    var status = button.closest(".field").querySelector(".copy-status");
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) { done(); }
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
}());
