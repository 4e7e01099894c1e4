"""Server-rendered pages (Jinja2 + htmx): the web app of issue 5."""
