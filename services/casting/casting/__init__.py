"""Slate casting service."""
