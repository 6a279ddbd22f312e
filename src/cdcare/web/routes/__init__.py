"""Route modules: one per area (auth, patients, admin, api)."""
