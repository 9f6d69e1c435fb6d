"""Slate shared kernel."""
