"""Pure payroll rules: no I/O, no framework imports."""
