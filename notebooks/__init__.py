"""The lesson notebooks, shipped inside the package as ``bargaining.lessons`` (``bargaining classroom`` serves them)."""
