"""Indicators and planning (指標と計画): what a municipality's care-insurance office looks at
to decide, made from the records the other apps keep."""
