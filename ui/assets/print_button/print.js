// The 打印 button of the print view (pages/item_print.py): prints the page it sits in.
// A file of its own, served by this server: the site's CSP allows no inline script.
// Speaks Streamlit's component protocol (v1) by hand: ready → render(args) → frame height.
(function () {
  "use strict";
  var button = document.getElementById("print");

  function send(type, data) {
    var message = { isStreamlitMessage: true, type: type };
    for (var k in data) { message[k] = data[k]; }
    window.parent.postMessage(message, "*");
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "streamlit:render") {
      return;
    }
    var args = event.data.args || {};
    if (args.label) { button.textContent = args.label; }
    send("streamlit:setFrameHeight", { height: Math.ceil(button.getBoundingClientRect().height) + 4 });
  });

  button.addEventListener("click", function () { window.parent.print(); });
  send("streamlit:componentReady", { apiVersion: 1 });
})();
