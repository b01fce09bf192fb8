"""Files in and out: scenario files, the built-in catalogue, templates and exports (CSV, NPZ, JSON)."""
