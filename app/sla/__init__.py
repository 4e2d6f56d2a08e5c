"""The SLA's shape: sections, their fields, and the published document built from them."""
