"""Operating Rekan: health, readiness and metrics over HTTP."""
