"""Writes for councils, one module per part: bodies, meetings, questionnaires, watch, issues."""
