"""Forms of councils, one module per part."""
