"""Views of a plan: terminal table (more formats follow)."""
