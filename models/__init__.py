"""Built-in scenario files (TOML, format ``bargaining/1``), shipped inside the package as ``bargaining.models``."""
