"""Web layer (FastAPI + Jinja2): thin routes over the service functions."""
