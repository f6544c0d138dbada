"""The indicators' reads, one module per topic."""
