"""Pure scheduling rules: no I/O, no framework imports."""
