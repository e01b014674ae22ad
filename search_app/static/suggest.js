// Autocomplete for the search box: fills the <datalist> from /api/suggest.
// Progressive enhancement only: without JavaScript the form works the same.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";

  function fill(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.text;  // textContent/value only: never HTML
      list.appendChild(option);
    });
  }

  // a trailing space is sent: it tells the server the last word is finished, not to complete it
  function typed() { return input.value.replace(/^\s+/, "").replace(/\s+$/, " "); }

  function lookup() {
    var prefix = typed();
    if (prefix.trim().length < 2 || prefix === last) { return; }
    last = prefix;
    fetch(url + "?q=" + encodeURIComponent(prefix), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (typed() === prefix) { fill(data.suggestions || []); } })
      .catch(function () { /* suggestions are optional */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
})();
