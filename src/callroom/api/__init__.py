"""The HTTP API: `create_app(settings)` builds the FastAPI app; routes stay thin and call the
paging service. Authentication is by API token (`Authorization: Bearer …`) until sign-in."""
