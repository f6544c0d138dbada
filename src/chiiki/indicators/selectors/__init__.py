"""Reads for the indicators, one module per topic."""
