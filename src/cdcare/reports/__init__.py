"""Reports and plots (server-side matplotlib SVG/PNG, PDF later)."""
