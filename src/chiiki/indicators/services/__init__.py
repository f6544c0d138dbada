"""The indicators' writes, one module per topic."""
