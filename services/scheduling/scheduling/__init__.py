"""Slate scheduling service."""
