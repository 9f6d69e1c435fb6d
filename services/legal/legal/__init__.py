"""Slate legal service."""
