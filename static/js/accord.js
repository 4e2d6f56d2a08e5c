// Accord's own script: small behaviours that would otherwise need inline handlers (CSP forbids them).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
document.addEventListener("htmx:confirm", function (event) {
  var message = event.detail.elt.getAttribute("data-confirm");
  if (message) {
    event.preventDefault();
    if (window.confirm(message)) { event.detail.issueRequest(true); }
  }
});
