// Starts Swagger UI for /docs. A file instead of FastAPI's inline script, so /docs
// runs under the same Content-Security-Policy as the rest of the app.
window.addEventListener("DOMContentLoaded", () => {
  const doel = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: doel.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
