"""Response models, one module per resource. Request bodies are the domain's own schemas
(``dialer/<domain>/schemas.py``), so the rules live in one place."""
