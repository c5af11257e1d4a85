"""The web app of Casusbank Leerplicht: HTML pages with htmx, and the JSON API."""
