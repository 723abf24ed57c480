"""Stock: the secondary brought to the primary for every linked pair, read top to bottom as rules → plan →
writers → apply → assets, with the checks of what is left (docs/architecture.md, "Stock principle")."""
