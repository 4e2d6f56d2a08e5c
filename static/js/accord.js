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
// A refused form (422), a stale save (409) or a refusal the server retargets to a message area
// answers with markup to show.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  var status = xhr.status;
  if (status === 409 || status === 422 || (status >= 400 && status < 500 && xhr.getResponseHeader("HX-Retarget"))) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// A button marked data-print opens the browser's print dialogue (the printable agreement).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
