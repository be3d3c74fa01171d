"""Other formats: JSON export and schema, Mermaid, the formatter and the semantic diff."""
