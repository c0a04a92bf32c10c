"""Shared platform code. The pages that belong to no domain are in app.core.routes."""
