"""Forms of councils' pages, one module per part."""
