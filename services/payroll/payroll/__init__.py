"""Slate payroll service."""
