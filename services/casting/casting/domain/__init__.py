"""Pure casting rules: no I/O, no framework imports."""
