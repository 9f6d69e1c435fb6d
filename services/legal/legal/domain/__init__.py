"""Pure legal rules: no I/O, no framework imports."""
