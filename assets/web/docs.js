// Starts Swagger UI on the API's OpenAPI document (its script comes from the installed package).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    // Deep links put a link inside each operation's button: nested controls trip screen readers.
    deepLinking: false,
    validatorUrl: null, // the default badge is an image from outside: never on a closed network
    presets: [window.SwaggerUIBundle.presets.apis],
  });
});
