"""Server-rendered pages (Jinja2 + htmx, Chart.js): the web app, above the HTTP API."""
