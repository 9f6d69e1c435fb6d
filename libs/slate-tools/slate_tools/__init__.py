"""Developer tools around Slate: the `slate` command line, the demo loader, SDL export and a
local trace sink. Services never import this package (an import-linter contract)."""
